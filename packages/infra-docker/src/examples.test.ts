import { readFile } from "node:fs/promises";
import {
  BlockRegistry,
  loadInfrastructure,
  parseDocumentText,
  resolveBlock,
  driverContext,
} from "@infrablocks/core";
import { dockerRegistryBlockType } from "@infrablocks/docker-registry";
import { describe, expect, it } from "vitest";
import { type DockerContainerBlock, dockerContainerBlockType } from "./docker-container-block.js";

const examples = new URL("../../../examples/", import.meta.url);
const read = async (name: string) =>
  parseDocumentText(await readFile(new URL(name, examples), "utf8"), `examples/${name}`);

describe("the Docker examples", () => {
  it("resolve, with the saved registry credentials, and preview without leaking the password", async () => {
    const registry = new BlockRegistry([dockerContainerBlockType, dockerRegistryBlockType]);
    const credentials = await read("docker-registry-local.yaml");
    const { config } = await resolveBlock(registry, await read("docker-busybox.yaml"), async (slug, name) => {
      expect(`${slug}/${name}`).toBe("docker-registry/local");
      return credentials;
    });
    const container = config as DockerContainerBlock;
    expect(container.imageRegistry?.registryUrl).toBe("127.0.0.1:5000");
    const preview = await (await loadInfrastructure(dockerContainerBlockType)).preview(
      container,
      driverContext({
        baseEnvironment: {},
      }),
    );
    expect(preview).not.toContain(String(credentials.password));
    expect(JSON.parse(preview)).toMatchObject({ name: "hello-busybox", pull: { policy: "IfNotPresent" } });
  });
});
