import { describe, expect, it } from "vitest";
import { blockChecker } from "./block-checker.js";
import { checkDocument, type DocumentChecker, maskedPaths } from "./document-checker.js";
import { resolveBlock } from "./documents.js";
import { MASK } from "./mask.js";
import { BlockRegistry } from "./registry.js";
import {
  allFixtureTypes,
  caught,
  containerType,
  memoryLoader,
  registryType,
} from "./testing-fixtures.test-support.js";

const noSaved = async () => {
  throw new Error("unused");
};

describe("maskedPaths", () => {
  const container = blockChecker(containerType);

  it("names every secret that holds the mask: whole, value by value, nested, and secret-named env", () => {
    const document = {
      type: "test-container",
      env: { API_TOKEN: MASK, PLAIN: MASK, OTHER_KEY: "real" },
      headers: { Authorization: MASK, Accept: "json" },
      imageRegistry: { type: "test-registry", password: MASK },
    };
    expect(maskedPaths(container, document)).toEqual([
      "env.API_TOKEN",
      "imageRegistry.password",
      "headers.Authorization",
    ]);
    expect(maskedPaths(container, { ...document, headers: MASK })).toContain("headers");
    expect(maskedPaths(container, { type: "test-container", env: MASK })).toEqual([]);
  });

  it("reads a document's own keys only, as before: an inherited field or env entry is not the document's", () => {
    const env = Object.create({ INHERITED_TOKEN: MASK }) as Record<string, unknown>;
    env.OWN_TOKEN = MASK;
    const inherited = Object.create({
      headers: { Authorization: MASK },
      imageRegistry: { type: "test-registry", password: MASK },
    }) as Record<string, unknown>;
    inherited.env = env;
    expect(maskedPaths(container, inherited)).toEqual(["env.OWN_TOKEN"]);
    expect(maskedPaths(container, Object.create({ headers: MASK, env }))).toEqual([]);
  });
});

describe("checkDocument and resolveBlock without waiting for the type", () => {
  const document = { type: "test-registry", username: "u", password: "p", registryUrl: "r" };

  it("give the same block whether the type was at hand or loaded first", async () => {
    let loads = 0;
    const load = async () => {
      loads++;
      return registryType;
    };
    const lazy = new BlockRegistry([{ slug: "test-registry", package: "@x/r", load }]);
    const direct = new BlockRegistry([registryType]);
    const first = await resolveBlock(lazy, document, noSaved);
    const again = await resolveBlock(lazy, document, noSaved);
    const atHand = await resolveBlock(direct, document, noSaved);
    expect(loads).toBe(1);
    for (const block of [again, atHand]) {
      expect(block).toEqual(first);
      expect(JSON.stringify(block.config)).toBe(JSON.stringify(first.config));
    }
    expect(first.blockType).toBe(registryType);
    expect(first.config).toEqual({ ...document, reauth: true });
    const checkers = new BlockRegistry<DocumentChecker>([blockChecker(registryType)]);
    const checked = await checkDocument(checkers, document, noSaved);
    expect(checked.config).toEqual(first.config);
    expect(checked.blockType).toBe(blockChecker(registryType));
  });

  it("copy inline nested blocks as resolving $refs does, and still load a $ref nested inside an inline block", async () => {
    const registry = new BlockRegistry(allFixtureTypes);
    const inner = {
      type: "test-container",
      image: "busybox",
      imageRegistry: { type: "test-registry", username: "u", password: "p", registryUrl: "r" },
    };
    const document = { type: "test-outer", inner };
    const inline = await resolveBlock(registry, document, noSaved);
    expect(inline.document).toEqual(document);
    expect(inline.document).not.toBe(document);
    expect(inline.document.inner).not.toBe(inner);
    expect((inline.document.inner as Record<string, unknown>).imageRegistry).toBe(inner.imageRegistry);
    const saved = memoryLoader({ "test-registry/main": inner.imageRegistry });
    const referring = {
      type: "test-outer",
      inner: { ...inner, imageRegistry: { $ref: "test-registry/main" } },
    };
    const resolved = await resolveBlock(registry, referring, saved.load);
    expect(saved.calls).toEqual(["test-registry/main"]);
    expect(resolved.config).toEqual(inline.config);
  });

  it("reject, never throw, for a document wrong from its first step", async () => {
    const registry = new BlockRegistry([registryType]);
    const pending = resolveBlock(registry, { type: "" }, noSaved);
    expect(pending).toBeInstanceOf(Promise);
    expect(await caught(() => pending)).toMatchObject({ code: "INVALID_DOCUMENT" });
    const masked = resolveBlock(registry, { ...document, password: MASK }, noSaved);
    expect(await caught(() => masked)).toMatchObject({ code: "INVALID_DOCUMENT" });
    expect(await caught(() => resolveBlock(registry, { type: "nope" }, noSaved))).toMatchObject({
      code: "UNKNOWN_BLOCK_TYPE",
    });
  });
});
