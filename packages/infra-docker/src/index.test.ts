import { exportBlockSchema } from "@infrablocks/core";
import { describe, expect, it, vi } from "vitest";

const loaded = vi.hoisted(() => ({ dockerode: false }));
vi.mock("dockerode", async (importOriginal) => {
  loaded.dockerode = true;
  return importOriginal();
});

describe("@infrablocks/infra-docker", () => {
  it("loads its block type without dockerode, and dockerode only with the runtime", async () => {
    const { blockTypes, dockerContainerBlockType } = await import("@infrablocks/infra-docker");
    expect(blockTypes).toEqual([dockerContainerBlockType]);
    expect(loaded.dockerode).toBe(false);
    await dockerContainerBlockType.loadInfrastructure?.();
    expect(loaded.dockerode).toBe(true);
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
});
