import type { BlockType } from "./block-type.js";
import { closestName } from "./closest-name.js";
import { InfrablocksError } from "./errors.js";

/** What a registry holds: a block type, or a document checker (`@infrablocks/core/runtime`). */
export interface RegisteredType {
  readonly slug: string;
  readonly package: string;
}

/** A block type known by slug and package, loaded on first use. */
export interface BlockTypeEntry<TBlockType extends RegisteredType = BlockType> {
  slug: TBlockType["slug"];
  /** The npm package that defines the type. */
  package: string;
  load(): Promise<TBlockType>;
}

/**
 * Block types by slug. Registration is explicit: a second type for one slug is an error unless the
 * caller asks to replace it, and a type's module is imported only when that type is first used.
 * Built from known block types (`new BlockRegistry([processBlockType])`), it is typed by them:
 * `get`, `all` and `resolveBlock` return the union of those types (and configs), discriminated by slug.
 */
export class BlockRegistry<out TBlockType extends RegisteredType = BlockType> {
  readonly #entries = new Map<string, BlockTypeEntry<RegisteredType>>();
  readonly #loaded = new Map<string, Promise<RegisteredType>>();
  /** The types whose load has finished, for `loaded`. */
  readonly #ready = new Map<string, RegisteredType>();

  constructor(entries: Iterable<TBlockType | BlockTypeEntry<TBlockType>> = []) {
    for (const entry of entries) this.register(entry);
  }

  /** Adds a type of the registry's own union; a registry typed by its types takes no others. */
  register(entry: TBlockType | BlockTypeEntry<TBlockType>, options: { replace?: boolean } = {}): void {
    const existing = this.#entries.get(entry.slug);
    if (existing && !options.replace) {
      throw new InfrablocksError(
        "DUPLICATE_BLOCK_TYPE",
        `Block type '${entry.slug}' is claimed by both ${existing.package} and ${entry.package}; register with { replace: true } to override it on purpose.`,
      );
    }
    this.#entries.set(
      entry.slug,
      isEntry(entry) ? entry : { slug: entry.slug, package: entry.package, load: async () => entry },
    );
    this.#loaded.delete(entry.slug);
    if (isEntry(entry)) this.#ready.delete(entry.slug);
    else this.#ready.set(entry.slug, entry);
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

  async get(slug: string): Promise<TBlockType> {
    const entry = this.#entries.get(slug);
    if (!entry) {
      const installed = this.slugs();
      const meant = closestName(slug, installed);
      throw new InfrablocksError(
        "UNKNOWN_BLOCK_TYPE",
        `Unknown block type '${slug}'${meant ? ` (did you mean '${meant}'?)` : ""}. Installed types: ${installed.length ? installed.join(", ") : "none"}.`,
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
        // Unless the slug was registered anew while this one loaded.
        if (this.#entries.get(slug) === entry) this.#ready.set(slug, blockType);
        return blockType;
      });
      this.#loaded.set(slug, loading);
    }
    return loading as Promise<TBlockType>;
  }

  /**
   * The type of a slug without waiting, when it is at hand: registered as itself, or loaded by `get`.
   * Otherwise undefined (also for an unknown slug; `get` says which are installed).
   */
  loaded(slug: string): TBlockType | undefined {
    return this.#ready.get(slug) as TBlockType | undefined;
  }

  async all(): Promise<TBlockType[]> {
    return Promise.all(this.slugs().map((slug) => this.get(slug)));
  }
}

function isEntry(
  value: RegisteredType | BlockTypeEntry<RegisteredType>,
): value is BlockTypeEntry<RegisteredType> {
  return typeof (value as { load?: unknown }).load === "function";
}
