/**
 * A driver's check entry (package.json#infrablocks.check) states by hand and from its committed schema
 * what core derives from the block type's zod schema: for every installed type, the checker the CLI
 * checks documents with must equal blockChecker(blockType), nested blocks included. The property test
 * (test/reliability/compiled-validators.test.ts) then proves the two paths give the same verdicts.
 */
import { type BlockType, blockChecker } from "@infrablocks/core";
import type { DocumentChecker } from "@infrablocks/core/runtime";
import { describe, expect, it } from "vitest";
import { installedDrivers } from "./drivers.js";

/** What a checker states, nested checkers by their facts too. */
function facts(checker: DocumentChecker, seen = new Set<DocumentChecker>()): unknown {
  if (seen.has(checker)) return checker.slug;
  seen.add(checker);
  return {
    slug: checker.slug,
    package: checker.package,
    capabilities: checker.capabilities,
    fields: checker.fields,
    secretPaths: checker.secretPaths,
    exact: checker.exact,
    validate: checker.validate,
    check: checker.check,
    runs: checker.loadInfrastructure !== undefined,
    nestedBlocks: Object.fromEntries(
      Object.entries(checker.nestedBlocks).map(([name, nested]) => [name, facts(nested, seen)]),
    ),
  };
}

describe("the installed drivers' document checkers", () => {
  const drivers = installedDrivers().blockTypes;

  it("include a check entry for the built-in types that have one", () => {
    expect(drivers.map((entry) => entry.slug)).toContain("process");
  });

  it.each(drivers.map((entry) => [entry.slug, entry] as const))(
    "%s: equal what core derives from the block type",
    async (_slug, entry) => {
      const checker = await entry.loadChecker();
      const blockType = (await entry.load()) as BlockType;
      expect(facts(checker)).toEqual(facts(blockChecker(blockType)));
      expect(await checker.loadBlockType()).toBe(blockType);
      if (checker.loadInfrastructure) {
        expect(await checker.loadInfrastructure()).toBe(await blockType.loadInfrastructure?.());
      }
    },
  );
});
