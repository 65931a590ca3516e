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
});
