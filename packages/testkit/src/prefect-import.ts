import type { BlockType, PrefectData, PrefectImportContext } from "@infrablocks/core";

/** A problem or a note of a Prefect import, by the field's Prefect path. */
export interface PrefectImportMessage {
  path: string;
  message: string;
}

export interface PrefectImportOutcome {
  /** The infrablocks document, `type` first, nested blocks inline. */
  document: Record<string, unknown>;
  problems: PrefectImportMessage[];
  notes: PrefectImportMessage[];
}

/**
 * Runs a block type's Prefect import hook for a driver's unit tests. Nested blocks are converted
 * by the hooks of `nestedTypes` and written inline, so the result validates with the type's schema
 * alone (`infrablocks import-prefect` saves them as documents of their own behind a `$ref` instead).
 * A Prefect `$ref` cannot be followed here and is a problem.
 */
export async function importFromPrefect(
  blockType: BlockType,
  data: PrefectData,
  nestedTypes: readonly BlockType[] = [],
): Promise<PrefectImportOutcome> {
  const problems: PrefectImportMessage[] = [];
  const notes: PrefectImportMessage[] = [];
  const convert = async (type: BlockType, block: PrefectData, prefix: string) => {
    if (!type.fromPrefect) throw new Error(`Block type '${type.slug}' has no Prefect import (fromPrefect).`);
    const context: PrefectImportContext = {
      problem: (path, message) => problems.push({ path: `${prefix}${path}`, message }),
      note: (path, message) => notes.push({ path: `${prefix}${path}`, message }),
      nested: async (value, slug, path) => {
        const nested = nestedTypes.find((candidate) => candidate.slug === slug);
        if (!nested) throw new Error(`Pass the '${slug}' block type in nestedTypes to convert ${path}.`);
        if (value === null || typeof value !== "object" || "$ref" in value) {
          problems.push({ path: `${prefix}${path}`, message: "not an inline block; not followed here" });
          return undefined;
        }
        return convert(nested, value as PrefectData, `${prefix}${path}.`);
      },
    };
    return { type: type.slug, ...(await type.fromPrefect(block, context)) };
  };
  return { document: await convert(blockType, data, ""), problems, notes };
}
