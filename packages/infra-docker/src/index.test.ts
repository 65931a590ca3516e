import { existsSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BlockRegistry,
  exportBlockSchema,
  driverContext,
  isInfrablocksError,
  resolveBlock,
} from "@infrablocks/core";
import { DEFAULT_SOCKET } from "./docker-host.js";
import { describe, expect, it, vi } from "vitest";

const loaded = vi.hoisted(() => ({ dockerode: false }));
vi.mock("dockerode", async (importOriginal) => {
  loaded.dockerode = true;
  return importOriginal();
});

describe("@infrablocks/infra-docker", () => {
  it("loads its block type and runtime without dockerode, and dockerode only to talk to an engine", async () => {
    const { blockTypes, dockerContainerBlockType } = await import("@infrablocks/infra-docker");
    expect(blockTypes).toEqual([dockerContainerBlockType]);
    expect(loaded.dockerode).toBe(false);
    const infrastructure = await dockerContainerBlockType.loadInfrastructure?.();
    expect(loaded.dockerode).toBe(false);

    // `ps` where no engine is configured and no default socket exists: nothing to list, no SDK loaded.
    const home = await mkdtemp(join(tmpdir(), "ib-no-docker-"));
    vi.stubEnv("HOME", home);
    vi.stubEnv("DOCKER_HOST", "");
    vi.stubEnv("DOCKER_CONTEXT", "");
    vi.stubEnv("DOCKER_CONFIG", join(home, ".docker"));
    const log = { info: () => {}, warn: () => {}, error: () => {} };
    const context = driverContext({ log, baseEnvironment: {}, stateFolder: home });
    if (existsSync(DEFAULT_SOCKET)) {
      // This machine has an engine at the default socket: name a missing one through DOCKER_HOST,
      // which is configured, so it is asked (and fails) rather than skipped.
      vi.stubEnv("DOCKER_HOST", `unix://${join(home, "docker.sock")}`);
      await expect(infrastructure?.listRuns?.(undefined, context)).rejects.toThrow(/docker\.sock/);
      expect(loaded.dockerode).toBe(true);
    } else {
      expect(await infrastructure?.listRuns?.(undefined, context)).toEqual([]);
      expect(loaded.dockerode).toBe(false);
    }
    vi.unstubAllEnvs();
  });

  it("exports the contract's schema: every field described, the registry password secret", async () => {
    const { dockerContainerBlockType } = await import("@infrablocks/infra-docker");
    const schema = exportBlockSchema(dockerContainerBlockType);
    expect(schema).toMatchObject({
      title: "Docker Container",
      block_type_slug: "docker-container",
      capabilities: ["run-infrastructure"],
      secret_fields: ["imageRegistry.password"],
      required: ["image"],
    });
    expect(schema.block_schema_references.imageRegistry?.block_type_slug).toBe("docker-registry");
    for (const field of [
      "env",
      "labels",
      "name",
      "command",
      "image",
      "imagePullPolicy",
      "imageRegistry",
      "networks",
      "networkMode",
      "autoRemove",
      "volumes",
      "streamOutput",
      "memLimit",
      "memswapLimit",
      "privileged",
    ]) {
      expect(schema.properties[field]?.description, field).toEqual(expect.any(String));
    }
    for (const [name, property] of Object.entries(schema.properties)) {
      expect(property.description, name).toEqual(expect.any(String));
    }
  });

  it("applies the contract's defaults", async () => {
    const { dockerContainerBlockType } = await import("@infrablocks/infra-docker");
    expect(dockerContainerBlockType.schema.parse({ image: "busybox" })).toEqual({
      type: "docker-container",
      image: "busybox",
      env: {},
      labels: {},
      streamOutput: true,
      networks: [],
      autoRemove: false,
      volumes: [],
      privileged: false,
    });
  });

  it("takes a dockerContext named as the docker CLI allows, and refuses others by path", async () => {
    const { dockerContainerBlockType } = await import("@infrablocks/infra-docker");
    const registry = new BlockRegistry([dockerContainerBlockType]);
    const resolve = (dockerContext: string) =>
      resolveBlock(registry, { type: "docker-container", image: "busybox", dockerContext }, async () => {
        throw new Error("no saved documents here");
      });
    expect((await resolve("colima.dev+2")).config).toMatchObject({ dockerContext: "colima.dev+2" });
    for (const bad of ["", "x", "-leading-dash", "has space", "a/b"]) {
      const error = await resolve(bad).catch((caught: unknown) => caught);
      expect(isInfrablocksError(error, "INVALID_DOCUMENT"), bad).toBe(true);
      expect((error as Error).message, bad).toContain("dockerContext: not a Docker context name");
    }
  });
});
