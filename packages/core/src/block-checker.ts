import { type BlockType, blockFields, nestedBlockTypeOf, secretFieldPaths } from "./block-type.js";
import type { DocumentChecker } from "./document-checker.js";
import { compiledValidatorIsExact } from "./validator-exactness.js";

const checkers = new WeakMap<BlockType, DocumentChecker>();

/**
 * The checker of a block type, derived from its zod schema once per type: what a driver's check
 * entry (`infrablocks.check`) states by hand, and what `resolveBlock` checks documents with.
 */
export function blockChecker<TConfig>(blockType: BlockType<TConfig>): DocumentChecker<TConfig> {
  let checker = checkers.get(blockType as BlockType) as DocumentChecker<TConfig> | undefined;
  if (!checker) {
    const nestedBlocks: Record<string, DocumentChecker> = {};
    checker = {
      slug: blockType.slug,
      package: blockType.package,
      capabilities: blockType.capabilities,
      fields: Object.keys(blockFields(blockType as BlockType)),
      secretPaths: secretFieldPaths(blockType as BlockType),
      nestedBlocks,
      exact: compiledValidatorIsExact(blockType as BlockType),
      ...(blockType.validate ? { validate: blockType.validate } : {}),
      ...(blockType.check ? { check: blockType.check } : {}),
      ...(blockType.loadInfrastructure ? { loadInfrastructure: blockType.loadInfrastructure } : {}),
      loadBlockType: async () => blockType,
    };
    // Cached before its nested blocks are, so that a type that nests itself ends.
    checkers.set(blockType as BlockType, checker as DocumentChecker);
    for (const [name, field] of Object.entries(blockFields(blockType as BlockType))) {
      const nested = nestedBlockTypeOf(field);
      if (nested) nestedBlocks[name] = blockChecker(nested);
    }
  }
  return checker;
}
