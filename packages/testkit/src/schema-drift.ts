import { fileURLToPath } from "node:url";
import { type BlockType, exportBlockSchema } from "@infrablocks/core";
import { describe, expect, it } from "vitest";

/**
 * Registers one test per block type that compares its exported JSON schema with the committed
 * `<schemasFolder>/<slug>.json`; `vitest run -u` rewrites those files. Call it at the top level of a
 * test file, with the folder as a URL or an absolute path (snapshot paths are otherwise relative to
 * the caller's test file, which this module cannot know).
 */
export function schemaDriftSuite(blockTypes: readonly BlockType[], schemasFolder: URL | string): void {
  const folder = typeof schemasFolder === "string" ? schemasFolder : fileURLToPath(schemasFolder);
  describe("committed schemas", () => {
    it.each(blockTypes.map((blockType) => [blockType.slug, blockType] as const))(
      "schemas/%s.json matches the code",
      async (slug, blockType) => {
        await expect(`${JSON.stringify(exportBlockSchema(blockType), null, 2)}\n`).toMatchFileSnapshot(
          `${folder.replace(/\/$/, "")}/${slug}.json`,
        );
      },
    );
  });
}
