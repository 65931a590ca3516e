import { readFile } from "node:fs/promises";
import { describe, expect, it, vi } from "vitest";

const loaded = vi.hoisted(() => ({ dockerode: false }));
vi.mock("dockerode", async (importOriginal) => {
  loaded.dockerode = true;
  return importOriginal();
});

describe("@infrablocks/docker-registry", () => {
  it("exports its block type and login without loading dockerode", async () => {
    const module = await import("@infrablocks/docker-registry");
    expect(module.blockTypes).toEqual([module.dockerRegistryBlockType]);
    expect(module.loginToRegistry).toEqual(expect.any(Function));
    expect(loaded.dockerode).toBe(false);
  });

  it("installs without a Docker SDK: no runtime dependency beyond the core peer", async () => {
    const manifest = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8"));
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(Object.keys(manifest.peerDependencies)).toEqual(["@infrablocks/core"]);
  });
});
