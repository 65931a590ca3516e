import { describe, expect, it } from "vitest";
import type { BlockType } from "./block-type.js";
import { InfrablocksError } from "./errors.js";
import { type BlockTypeEntry, BlockRegistry } from "./registry.js";
import { caught, clusterConfigType, containerType, registryType } from "./testing-fixtures.test-support.js";

function lazyEntry(slug: string, blockType: BlockType, pkg = `@x/${slug}`) {
  let loads = 0;
  const entry: BlockTypeEntry = {
    slug,
    package: pkg,
    load: async () => {
      loads++;
      await new Promise((done) => setTimeout(done, 5));
      return blockType;
    },
  };
  return { entry, loads: () => loads };
}

describe("BlockRegistry", () => {
  it("takes block types and lazy entries, and lists the slugs sorted", async () => {
    const lazy = lazyEntry("test-registry", registryType);
    const registry = new BlockRegistry([containerType, lazy.entry]);
    expect(registry.slugs()).toEqual(["test-container", "test-registry"]);
    expect(registry.has("test-registry")).toBe(true);
    expect(registry.has("nope")).toBe(false);
    expect(registry.packageOf("test-container")).toBe("@infrablocks/test-container");
    expect(registry.packageOf("test-registry")).toBe("@x/test-registry");
    expect(registry.packageOf("nope")).toBeUndefined();
    expect(await registry.get("test-container")).toBe(containerType);
    expect(await registry.get("test-registry")).toBe(registryType);
  });

  it("refuses a second type for one slug, naming both packages", () => {
    const registry = new BlockRegistry<BlockType>([registryType]);
    const error = (() => {
      try {
        registry.register(lazyEntry("test-registry", registryType, "@other/pkg").entry);
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(InfrablocksError);
    expect(error).toMatchObject({ code: "DUPLICATE_BLOCK_TYPE" });
    expect((error as Error).message).toContain("@infrablocks/test-registry");
    expect((error as Error).message).toContain("@other/pkg");
    expect((error as Error).message).toContain("{ replace: true }");
    expect(() => new BlockRegistry([registryType, registryType])).toThrow(/claimed by both/);
  });

  it("replaces a type on purpose with { replace: true }, dropping the loaded one", async () => {
    const registry = new BlockRegistry([registryType]);
    expect(await registry.get("test-registry")).toBe(registryType);
    const replacement = { ...registryType, title: "Replacement" };
    registry.register(replacement, { replace: true });
    expect(await registry.get("test-registry")).toBe(replacement);
    expect(registry.packageOf("test-registry")).toBe("@infrablocks/test-registry");
  });

  it("names the installed types for an unknown slug", async () => {
    const error = await caught(() => new BlockRegistry([registryType, containerType]).get("kubernetes-job"));
    expect(error).toMatchObject({
      code: "UNKNOWN_BLOCK_TYPE",
      message: "Unknown block type 'kubernetes-job'. Installed types: test-container, test-registry.",
    });
    expect(await caught(() => new BlockRegistry().get("x"))).toMatchObject({
      message: "Unknown block type 'x'. Installed types: none.",
    });
  });

  it("says which installed type a mistyped slug most likely meant", async () => {
    const registry = new BlockRegistry([registryType, containerType]);
    expect(await caught(() => registry.get("test-contianer"))).toMatchObject({
      message:
        "Unknown block type 'test-contianer' (did you mean 'test-container'?). Installed types: test-container, test-registry.",
    });
    expect(await caught(() => registry.get("test_registry"))).toMatchObject({
      message: expect.stringContaining("(did you mean 'test-registry'?)"),
    });
  });

  it("loads a type only on get, and only once even when asked concurrently", async () => {
    const lazy = lazyEntry("test-registry", registryType);
    const registry = new BlockRegistry();
    registry.register(lazy.entry);
    registry.slugs();
    registry.has("test-registry");
    registry.packageOf("test-registry");
    expect(lazy.loads()).toBe(0);
    const [first, second] = await Promise.all([registry.get("test-registry"), registry.get("test-registry")]);
    expect(first).toBe(registryType);
    expect(second).toBe(registryType);
    await registry.get("test-registry");
    expect(lazy.loads()).toBe(1);
  });

  it("does not load the other types when one is asked for", async () => {
    const a = lazyEntry("test-registry", registryType);
    const b = lazyEntry("test-container", containerType);
    const registry = new BlockRegistry([a.entry, b.entry]);
    await registry.get("test-container");
    expect([a.loads(), b.loads()]).toEqual([0, 1]);
    expect(await registry.all()).toEqual([containerType, registryType]);
    expect([a.loads(), b.loads()]).toEqual([1, 1]);
  });

  it("gives a type without waiting once it is at hand: registered as itself, or loaded by get", async () => {
    const lazy = lazyEntry("test-registry", registryType);
    const registry = new BlockRegistry([containerType, lazy.entry]);
    expect(registry.loaded("test-container")).toBe(containerType);
    expect(registry.loaded("test-registry")).toBeUndefined();
    expect(registry.loaded("nope")).toBeUndefined();
    const loading = registry.get("test-registry");
    expect(registry.loaded("test-registry")).toBeUndefined();
    await loading;
    expect(registry.loaded("test-registry")).toBe(registryType);
    expect(lazy.loads()).toBe(1);
  });

  it("forgets a loaded type replaced on purpose, even while its load is in flight", async () => {
    const registry = new BlockRegistry([lazyEntry("test-registry", registryType).entry]);
    const stale = registry.get("test-registry");
    const replacement = lazyEntry("test-registry", { ...registryType, title: "Replacement" });
    registry.register(replacement.entry, { replace: true });
    expect(await stale).toBe(registryType);
    expect(registry.loaded("test-registry")).toBeUndefined();
    const loaded = await registry.get("test-registry");
    expect(loaded.title).toBe("Replacement");
    expect(registry.loaded("test-registry")).toBe(loaded);
    registry.register(registryType, { replace: true });
    expect(registry.loaded("test-registry")).toBe(registryType);
  });

  it("refuses a loaded type whose slug is not the registered one", async () => {
    const registry = new BlockRegistry([lazyEntry("test-registry", clusterConfigType, "@x/liar").entry]);
    expect(registry.loaded("test-registry")).toBeUndefined();
    const error = await caught(() => registry.get("test-registry"));
    expect(registry.loaded("test-registry")).toBeUndefined();
    expect(error).toBeInstanceOf(InfrablocksError);
    expect(error).toMatchObject({
      code: "DUPLICATE_BLOCK_TYPE",
      message: "@x/liar was registered as 'test-registry' but defines 'test-cluster-config'.",
    });
  });
});
