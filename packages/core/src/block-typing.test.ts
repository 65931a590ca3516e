// The types a TypeScript user authors and reads blocks with. `expectTypeOf` checks run under
// `tsc --noEmit` (the package's typecheck); the resolutions they describe run here too.
import { describe, expect, expectTypeOf, it } from "vitest";
import type { BlockConfigOf, BlockInput, BlockReference, BlockType } from "./block-type.js";
import { type ResolvedBlock, resolveBlock } from "./documents.js";
import { BlockRegistry } from "./registry.js";
import {
  allFixtureTypes,
  containerType,
  memoryLoader,
  type registryType,
} from "./testing-fixtures.test-support.js";

type RegistryInput = BlockInput<typeof registryType>;
type ContainerInput = BlockInput<typeof containerType>;

describe("BlockInput", () => {
  it("leaves defaulted fields and the type optional, and requires what has no default", () => {
    const minimal: RegistryInput = { username: "ci", password: "pw", registryUrl: "r.example" };
    expectTypeOf<RegistryInput["reauth"]>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<RegistryInput["type"]>().toEqualTypeOf<"test-registry" | undefined>();
    expectTypeOf<RegistryInput["username"]>().toEqualTypeOf<string>();
    // @ts-expect-error a required field is still required
    const missing: RegistryInput = { username: "ci", password: "pw" };
    // @ts-expect-error an unknown key is an error, as the strict schema says
    const extra: RegistryInput = { ...minimal, colour: "red" };
    // @ts-expect-error another type's slug is not this type's
    const wrongType: RegistryInput = { ...minimal, type: "test-container" };
    expect([minimal, missing, extra, wrongType]).toHaveLength(4);
  });

  it("admits a nested block inline (its own defaults optional) or as a $ref of its type", () => {
    const inline: ContainerInput = {
      image: "busybox",
      imageRegistry: { type: "test-registry", username: "ci", password: "pw", registryUrl: "r" },
    };
    const referenced: ContainerInput = { image: "busybox", imageRegistry: { $ref: "test-registry/team" } };
    expectTypeOf<NonNullable<ContainerInput["imageRegistry"]>>().toEqualTypeOf<
      RegistryInput | BlockReference<"test-registry">
    >();
    // @ts-expect-error a $ref names a saved document of the nested block's own type
    const wrongRef: ContainerInput = { image: "busybox", imageRegistry: { $ref: "test-container/x" } };
    expect([inline, referenced, wrongRef]).toHaveLength(3);
  });

  it("is the parsed config's counterpart: the config has every default filled in", () => {
    type Config = BlockConfigOf<typeof containerType>;
    expectTypeOf<Config["volumes"]>().toEqualTypeOf<string[]>();
    expectTypeOf<Config["streamOutput"]>().toEqualTypeOf<boolean>();
    expectTypeOf<Config["type"]>().toEqualTypeOf<"test-container">();
    expectTypeOf<NonNullable<Config["imageRegistry"]>>().toEqualTypeOf<BlockConfigOf<typeof registryType>>();
    // A block type of unknown shape has inputs and configs of unknown shape.
    expectTypeOf<BlockInput<BlockType>>().toBeUnknown();
    expectTypeOf<BlockConfigOf<BlockType>>().toBeUnknown();
  });

  it("of a union of types is the union of their inputs", () => {
    expectTypeOf<BlockInput<typeof registryType | typeof containerType>>().toEqualTypeOf<
      RegistryInput | ContainerInput
    >();
  });
});

describe("resolveBlock typed by its registry", () => {
  const registry = new BlockRegistry(allFixtureTypes);
  const saved = memoryLoader({
    "test-registry/team": { type: "test-registry", username: "ci", password: "pw", registryUrl: "r" },
  });

  it("returns the union of the registry's blocks, narrowed by slug", async () => {
    const document: ContainerInput = {
      type: "test-container",
      image: "busybox",
      imageRegistry: { $ref: "test-registry/team" },
    };
    const block = await resolveBlock(registry, document, saved.load);
    expectTypeOf(block.slug).toEqualTypeOf<(typeof allFixtureTypes)[number]["slug"]>();
    expect(block.slug).toBe("test-container");
    if (block.slug !== "test-container") throw new Error("narrowing");
    expectTypeOf(block.blockType).toEqualTypeOf<typeof containerType>();
    expectTypeOf(block.config).toEqualTypeOf<BlockConfigOf<typeof containerType>>();
    expect(block.blockType).toBe(containerType);
    // Typed without a cast: the $ref resolved, the defaults filled in.
    expect(block.config.imageRegistry?.reauth).toBe(true);
    expect(block.config.volumes).toEqual([]);
  });

  it("switches over slugs exhaustively", async () => {
    const block = await resolveBlock(
      registry,
      { type: "test-registry", username: "u", password: "p", registryUrl: "r" },
      saved.load,
    );
    const summary = (() => {
      switch (block.slug) {
        case "test-registry":
          return block.config.registryUrl;
        case "test-container":
          return block.config.image;
        case "test-cluster-config":
        case "test-job":
        case "test-outer":
          return block.slug;
        default:
          return expectTypeOf(block).toBeNever();
      }
    })();
    expect(summary).toBe("r");
  });

  it("gives the registry's types from get and all, and a typed registry is a BlockRegistry", async () => {
    expectTypeOf(await registry.get("test-registry")).toEqualTypeOf<(typeof allFixtureTypes)[number]>();
    expectTypeOf(await registry.all()).toEqualTypeOf<(typeof allFixtureTypes)[number][]>();
    const plain: BlockRegistry = registry;
    // A registry of unknown types (the CLI's, found at run time) resolves to configs of unknown shape.
    const block = await resolveBlock(plain, { type: "test-cluster-config", config: "x" }, saved.load);
    expectTypeOf(block).toEqualTypeOf<ResolvedBlock>();
    expectTypeOf(block.config).toBeUnknown();
    expect(block.config).toEqual({ type: "test-cluster-config", config: "x" });
  });
});
