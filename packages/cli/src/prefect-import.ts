import {
  type BlockRegistry,
  canonicalJson,
  DOCUMENT_LIMITS,
  documentNameFrom,
  InfrablocksError,
  type PrefectImportContext,
  parseYaml,
} from "@infrablocks/core";

/** A problem (not carried over) or a note (carried over, worth a look), by Prefect field path. */
export interface ImportMessage {
  /** The document in the export: `FILE`, or `FILE#N` when it holds several. */
  label: string;
  /** The field's path in that Prefect document; `(document)` for the whole. */
  path: string;
  text: string;
}

/** One infrablocks document the import made. */
export interface ImportedDocument {
  slug: string;
  /** Its document name: the Prefect block's name, else the fallback (see {@link importPrefectDocuments}). */
  name: string;
  /** `type` first; nested blocks as `{ "$ref": "<slug>/<name>" }` to documents of this import. */
  document: Record<string, unknown>;
  /** The Prefect document it came from, as in {@link ImportMessage.label}, and the field for a nested one. */
  label: string;
}

export interface PrefectImportResult {
  /** Nested blocks before the documents that refer to them, each once, so they can be saved in order. */
  documents: ImportedDocument[];
  problems: ImportMessage[];
  notes: ImportMessage[];
}

/**
 * Reads a Prefect export: JSON or YAML holding one block document, a list of them, or (YAML) several
 * documents separated by `---`. An unreadable text is an INVALID_DOCUMENT error.
 */
export function parsePrefectText(text: string, source: string): unknown[] {
  const unreadable = (reason: string) =>
    new InfrablocksError("INVALID_DOCUMENT", `Cannot read ${source} as a Prefect export: ${reason}`);
  if (Buffer.byteLength(text) > DOCUMENT_LIMITS.maxBytes) {
    throw unreadable(`it is larger than ${DOCUMENT_LIMITS.maxBytes} bytes`);
  }
  let values: unknown[];
  const start = text.trimStart()[0];
  try {
    values =
      start === "{" || start === "["
        ? [JSON.parse(text)]
        : yamlDocuments(text).map((part) =>
            parseYaml(part, {
              schema: "core",
              customTags: [],
              uniqueKeys: true,
              maxAliasCount: DOCUMENT_LIMITS.maxAliases,
            }),
          );
  } catch (error) {
    throw unreadable((error as Error).message.split("\n")[0] ?? "");
  }
  const items = values.flatMap((value) => (Array.isArray(value) ? value : [value]));
  if (items.length === 0 || items.some((item) => !isRecord(item))) {
    throw unreadable("expected a Prefect block document (a mapping) or a list of them");
  }
  return items;
}

/**
 * Converts Prefect 2 block documents with the import hook of the installed block type of the same
 * slug (`fromPrefect`). Each document keeps its Prefect block name (made a valid document name);
 * one without a name gets `fallbackName` (default: its slug), numbered `-2`, `-3`… on a clash. A
 * nested block becomes a document of its own, referred to with `$ref`: one the export holds (a
 * Prefect `$ref` by block document id) keeps its name, an inline one is named after its parent, and
 * two identical ones are written once.
 */
export async function importPrefectDocuments(
  inputs: readonly unknown[],
  registry: BlockRegistry,
  options: { source: string; fallbackName?: string },
): Promise<PrefectImportResult> {
  const importer = new Importer(inputs, registry, options.source, options.fallbackName);
  await importer.run();
  return { documents: importer.documents, problems: importer.problems, notes: importer.notes };
}

// --- Internal helpers ---

type Fields = Record<string, unknown>;

/** A Prefect document of the export: bare block data, or the API's block document form. */
interface PrefectEntry {
  slug?: string;
  /** The Prefect block document's name; not for an anonymous (inline-saved) block. */
  name?: string;
  id?: string;
  data: Fields;
  label: string;
}

/** Where a block being converted sits: its Prefect document's label, its path there, a name for it. */
interface Place {
  label: string;
  prefix: string;
  /** The name wanted for the document this block is in ("" when it has none yet); nested names derive from it. */
  name: string;
}

class Importer {
  readonly documents: ImportedDocument[] = [];
  readonly problems: ImportMessage[] = [];
  readonly notes: ImportMessage[] = [];
  readonly #entries: PrefectEntry[];
  readonly #byId = new Map<string, PrefectEntry>();
  /** Documents made from a Prefect document with an id, so a second `$ref` to it reuses the first. */
  readonly #done = new Map<PrefectEntry, ImportedDocument | null>();
  /** Documents by `<slug>/<canonical JSON>`, so identical inline blocks are written once. */
  readonly #byContent = new Map<string, ImportedDocument>();

  constructor(
    inputs: readonly unknown[],
    private readonly registry: BlockRegistry,
    source: string,
    private readonly fallbackName?: string,
  ) {
    this.#entries = inputs.map((input, index) =>
      unwrap(input, inputs.length > 1 ? `${source}#${index + 1}` : source),
    );
    for (const entry of this.#entries) if (entry.id) this.#byId.set(entry.id, entry);
  }

  /** Converts every document of the export in order; one already made as a `$ref`'s target is skipped. */
  async run(): Promise<void> {
    for (const entry of this.#entries) await this.entry(entry, undefined);
  }

  /** Converts a whole Prefect document (top level, or the target of a `$ref`) once. */
  async entry(entry: PrefectEntry, expected: string | undefined): Promise<ImportedDocument | undefined> {
    if (this.#done.has(entry)) return this.#done.get(entry) ?? undefined;
    this.#done.set(entry, null);
    const wanted = entry.name ? documentNameFrom(entry.name) : "";
    const place = {
      label: entry.label,
      prefix: "",
      name: wanted || documentNameFrom(this.fallbackName ?? ""),
    };
    const document = await this.block(entry.data, entry.slug ?? expected, place);
    if (!document) return undefined;
    const made = this.add(document, wanted, entry.label);
    this.#done.set(entry, made);
    return made;
  }

  /** Converts one block's data with its type's hook; `slug` is what the wrapper or the parent field says. */
  async block(data: Fields, slug: string | undefined, place: Place): Promise<Fields | undefined> {
    const own = typeof data.block_type_slug === "string" ? data.block_type_slug : undefined;
    const typed = typeof data.type === "string" ? data.type : undefined;
    const chosen = own ?? typed ?? slug;
    if (!chosen) {
      this.problem(
        place,
        "block_type_slug",
        "missing: a Prefect block document names its type in block_type_slug or type",
      );
      return undefined;
    }
    const blockType = this.registry.has(chosen) ? await this.registry.get(chosen) : undefined;
    if (!blockType?.fromPrefect) {
      const convertible = await this.convertibleSlugs();
      this.problem(
        place,
        "block_type_slug",
        `'${chosen}' is not a block type this import converts (${convertible.join(", ") || "no installed type has a Prefect import"}); a driver that defines it would`,
      );
      return undefined;
    }
    const named = { ...place, name: place.name || chosen };
    const context: PrefectImportContext = {
      problem: (path, message) => this.problem(place, path, message),
      note: (path, message) =>
        this.notes.push({ label: place.label, path: `${place.prefix}${path}`, text: message }),
      nested: (value, nestedSlug, path) => this.nested(value, nestedSlug, path, named),
    };
    return { type: chosen, ...(await blockType.fromPrefect(data, context)) };
  }

  /** A nested block, inline or a Prefect `$ref`: made a document of its own, returned as a `$ref` to it. */
  async nested(value: unknown, slug: string, path: string, parent: Place): Promise<unknown> {
    if (!isRecord(value)) {
      this.problem(parent, path, `expected a ${slug} block document`);
      return undefined;
    }
    let made: ImportedDocument | undefined;
    if ("$ref" in value) {
      const reference = value.$ref;
      const id = isRecord(reference) ? reference.block_document_id : reference;
      const target = typeof id === "string" ? this.#byId.get(id) : undefined;
      if (!target) {
        this.problem(
          parent,
          `${path}.$ref`,
          `refers to a saved Prefect block document (${JSON.stringify(id)}) that this export does not hold, and it cannot be fetched offline: put that ${slug} document in the same file, or save it with infrablocks and write { $ref: "${slug}/<name>" }`,
        );
        return undefined;
      }
      if (this.#done.get(target) === null) {
        this.problem(
          parent,
          `${path}.$ref`,
          `refers back to the document that holds it (${JSON.stringify(id)})`,
        );
        return undefined;
      }
      made = await this.entry(target, slug);
    } else {
      // Prefect's `dict()` of a saved nested block carries its name; an inline one is named after its parent.
      const own = typeof value._block_document_name === "string" && value._is_anonymous !== true;
      const wanted = documentNameFrom(
        own ? (value._block_document_name as string) : `${parent.name}-${path}`,
      );
      const place = { label: parent.label, prefix: `${parent.prefix}${path}.`, name: wanted };
      const document = await this.block(value, slug, place);
      if (!document) return undefined;
      // Checked before it is recorded: a block of the wrong type is no document of this import.
      if (document.type !== slug) {
        this.problem(parent, path, `expected a ${slug} block, got ${String(document.type)}`);
        return undefined;
      }
      made = this.add(document, wanted, `${parent.label} ${parent.prefix}${path}`, true);
    }
    if (!made) return undefined;
    if (made.slug !== slug) {
      this.problem(parent, path, `expected a ${slug} block, got ${made.slug}`);
      return undefined;
    }
    return { $ref: `${made.slug}/${made.name}` };
  }

  /**
   * Records a document under a free name (`wanted`, else the fallback, else the slug). An inline
   * nested block identical to a document already made is that document (`reuse`): written once.
   */
  add(document: Fields, wanted: string, label: string, reuse = false): ImportedDocument {
    const slug = document.type as string;
    const key = `${slug}/${canonicalJson(document)}`;
    const twin = reuse ? this.#byContent.get(key) : undefined;
    if (twin) return twin;
    const base = wanted || documentNameFrom(this.fallbackName ?? "") || slug;
    let name = base;
    for (let count = 2; this.documents.some((made) => made.slug === slug && made.name === name); count++) {
      const suffix = `-${count}`;
      name = `${base.slice(0, 63 - suffix.length).replace(/-+$/, "")}${suffix}`;
    }
    const made = { slug, name, document, label };
    this.documents.push(made);
    if (!this.#byContent.has(key)) this.#byContent.set(key, made);
    return made;
  }

  problem(place: Place, path: string, text: string): void {
    this.problems.push({ label: place.label, path: `${place.prefix}${path}` || "(document)", text });
  }

  async convertibleSlugs(): Promise<string[]> {
    const slugs: string[] = [];
    for (const slug of this.registry.slugs()) {
      const blockType = await this.registry.get(slug).catch(() => undefined);
      if (blockType?.fromPrefect) slugs.push(slug);
    }
    return slugs;
  }
}

/**
 * The documents of a YAML stream. A `---` line at the start of a line always begins a new document
 * (even inside a block scalar, per the YAML spec), so splitting there is exact.
 */
function yamlDocuments(text: string): string[] {
  return text.split(/^---(?=[ \t]|$)/m).filter((part) => part.replace(/#.*$/gm, "").trim() !== "");
}

/** The block data, its slug, name and id, from a bare document or the API's block document form. */
function unwrap(input: unknown, label: string): PrefectEntry {
  if (!isRecord(input)) return { data: {}, label };
  if (!isRecord(input.data)) {
    // `Block.dict()` of a saved block carries its name beside the fields.
    const named = typeof input._block_document_name === "string" && input._is_anonymous !== true;
    return { data: input, label, ...(named ? { name: input._block_document_name as string } : {}) };
  }
  const blockType = isRecord(input.block_type) ? input.block_type : {};
  const slug = typeof input.block_type_slug === "string" ? input.block_type_slug : blockType.slug;
  return {
    data: input.data,
    label,
    ...(typeof slug === "string" ? { slug } : {}),
    ...(typeof input.name === "string" && input.is_anonymous !== true ? { name: input.name } : {}),
    ...(typeof input.id === "string" ? { id: input.id } : {}),
  };
}

function isRecord(value: unknown): value is Fields {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
