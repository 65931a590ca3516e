import type { BlockConfigOf, BlockType } from "./block-type.js";
import { blockChecker } from "./block-checker.js";
import { checkDocument, type ResolveOptions, type SavedDocumentLoader } from "./document-checker.js";
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
  options: ResolveOptions = {},
): Promise<ResolvedBlock<TBlockType>> {
  let blockType: TBlockType | undefined;
  const checkers = {
    slugs: () => registry.slugs(),
    // Asked once, for the document's own type; nested ones are reached through its checker.
    get: (slug: string) =>
      registry.get(slug).then((type) => {
        blockType = type;
        return blockChecker(type);
      }),
  };
  const {
    slug,
    document: resolved,
    config,
  } = await checkDocument(checkers, document, loadSaved, source, options);
  return { slug, blockType, document: resolved, config } as unknown as ResolvedBlock<TBlockType>;
}
