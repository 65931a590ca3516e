import type { BlockConfigOf, BlockType } from "./block-type.js";
import { blockChecker } from "./block-checker.js";
import {
  checkWithChecker,
  documentSlug,
  type ResolveOptions,
  type SavedDocumentLoader,
} from "./document-checker.js";
import type { BlockRegistry } from "./registry.js";

export type { ResolveOptions, SavedDocumentLoader } from "./document-checker.js";
export {
  DOCUMENT_LIMITS,
  parseDocumentsText,
  parseDocumentText,
  parseYamlValue,
  type SourceDocument,
} from "./document-text.js";

/**
 * A validated block: its slug, its type, the document with every `$ref` resolved, and the parsed
 * config. For a union of block types, a union discriminated by `slug`: `if (block.slug === "process")`
 * narrows `blockType` and `config` together.
 */
export type ResolvedBlock<TBlockType extends BlockType = BlockType> = TBlockType extends BlockType
  ? {
      slug: TBlockType["slug"];
      blockType: TBlockType;
      document: Record<string, unknown>;
      config: BlockConfigOf<TBlockType>;
    }
  : never;

/**
 * Checks a document against its block type: picks the type by `type`, resolves nested `$ref`s
 * through `loadSaved`, and validates every field. Every problem names its field path. The steps are
 * `checkDocument`'s, on checkers derived from the registry's block types.
 */
export async function resolveBlock<TBlockType extends BlockType>(
  registry: BlockRegistry<TBlockType>,
  document: Record<string, unknown>,
  loadSaved: SavedDocumentLoader,
  source = "document",
  options?: ResolveOptions,
): Promise<ResolvedBlock<TBlockType>> {
  const slug = documentSlug(registry, document, source);
  // No await when the type is at hand and the document holds no nested block: one awaited call per
  // document, the caller's, where a chain of them cost more than the check itself.
  const blockType = registry.loaded(slug) ?? (await registry.get(slug));
  const checking = checkWithChecker(blockChecker(blockType), slug, document, loadSaved, source, options);
  const { document: resolved, config } = checking instanceof Promise ? await checking : checking;
  return { slug, blockType, document: resolved, config } as unknown as ResolvedBlock<TBlockType>;
}
