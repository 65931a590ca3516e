import type { BlockType } from "./block-type.js";
import { InfrablocksError } from "./errors.js";

/** A block type known by slug and package, loaded on first use. */
export interface BlockTypeEntry {
  slug: string;
  /** The npm package that defines the type. */
  package: string;
  load(): Promise<BlockType>;
}

/**
 * Block types by slug. Registration is explicit: a second type for one slug is an error unless the
 * caller asks to replace it, and a type's module is imported only when that type is first used.
 */
export class BlockRegistry {
  readonly #entries = new Map<string, BlockTypeEntry>();
  readonly #loaded = new Map<string, Promise<BlockType>>();

  constructor(entries: Iterable<BlockTypeEntry | BlockType> = []) {
    for (const entry of entries) this.register(entry);
  }

  register(entry: BlockTypeEntry | BlockType, options: { replace?: boolean } = {}): void {
    const existing = this.#entries.get(entry.slug);
    if (existing && !options.replace) {
      throw new InfrablocksError(
        "DUPLICATE_BLOCK_TYPE",
        `Block type '${entry.slug}' is claimed by both ${existing.package} and ${entry.package}; register with { replace: true } to override it on purpose.`,
      );
    }
    this.#entries.set(
      entry.slug,
      "schema" in entry ? { slug: entry.slug, package: entry.package, load: async () => entry } : entry,
    );
    this.#loaded.delete(entry.slug);
  }

  /** The installed slugs, sorted. */
  slugs(): string[] {
    return [...this.#entries.keys()].sort();
  }

  has(slug: string): boolean {
    return this.#entries.has(slug);
  }

  packageOf(slug: string): string | undefined {
    return this.#entries.get(slug)?.package;
  }

  async get(slug: string): Promise<BlockType> {
    const entry = this.#entries.get(slug);
    if (!entry) {
      const installed = this.slugs();
      throw new InfrablocksError(
        "UNKNOWN_BLOCK_TYPE",
        `Unknown block type '${slug}'. Installed types: ${installed.length ? installed.join(", ") : "none"}.`,
      );
    }
    let loading = this.#loaded.get(slug);
    if (!loading) {
      loading = entry.load().then((blockType) => {
        if (blockType.slug !== slug) {
          throw new InfrablocksError(
            "DUPLICATE_BLOCK_TYPE",
            `${entry.package} was registered as '${slug}' but defines '${blockType.slug}'.`,
          );
        }
        return blockType;
      });
      this.#loaded.set(slug, loading);
    }
    return loading;
  }

  async all(): Promise<BlockType[]> {
    return Promise.all(this.slugs().map((slug) => this.get(slug)));
  }
}
