/**
 * The contract of a block type's Prefect 2 import hook ({@link BlockType.fromPrefect}) and the helpers
 * drivers share to write one. Each driver knows its own Prefect field names, enum spellings and
 * defaults; the CLI only reads the export, dispatches by slug and decides where nested blocks go.
 */

/** Prefect block data: snake_case keys, as `Block.dict()` or the API's block document `data` holds them. */
export type PrefectData = Readonly<Record<string, unknown>>;

/** What a hook gets from the importer. Paths are Prefect field paths relative to the block converted. */
export interface PrefectImportContext {
  /** Something the import could not carry over; the field is left out. */
  problem(path: string, message: string): void;
  /** Something carried over that behaves differently in infrablocks, worth a look. */
  note(path: string, message: string): void;
  /**
   * Converts a nested block (inline, or Prefect's `{"$ref": {"block_document_id": …}}`) with the hook of
   * the type `slug`, and returns what the field should hold: the importer saves a nested block as a
   * document of its own and returns `{ "$ref": "<slug>/<name>" }`, so a shared block and its secrets are
   * written once. Undefined when it could not be converted (a problem then says why).
   */
  nested(value: unknown, slug: string, path: string): Promise<unknown>;
}

/**
 * Turns a Prefect 2 document's data into this type's fields (camelCase, without `type`). Problems and
 * notes go to the context; the importer validates the result with the type's schema afterwards.
 */
export type PrefectImport = (
  data: PrefectData,
  context: PrefectImportContext,
) => Promise<Record<string, unknown>>;

/**
 * One Prefect field: the infrablocks field name it is copied to, or a function that writes `out`
 * itself (renames, enum spellings, values that need a problem or a note).
 */
export type PrefectFieldRule =
  | string
  | ((value: unknown, path: string, out: Record<string, unknown>, context: PrefectImportContext) => unknown);

/** Keys Prefect keeps beside a block's data; they carry no settings. */
const PREFECT_METADATA = new Set([
  "block_type_slug",
  "_block_document_id",
  "_block_document_name",
  "_is_anonymous",
]);

/**
 * Applies a table of field rules to Prefect data: metadata keys and `type` are skipped, `null` (how
 * Prefect writes an unset optional field) is left out, and a key without a rule is a problem.
 */
export async function convertPrefectFields(
  slug: string,
  data: PrefectData,
  rules: Readonly<Record<string, PrefectFieldRule>>,
  context: PrefectImportContext,
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (PREFECT_METADATA.has(key) || key === "type") continue;
    const rule = rules[key];
    if (rule === undefined) {
      context.problem(key, `not a field of Prefect's ${slug} block that infrablocks knows; left out`);
    } else if (value !== null) {
      if (typeof rule === "string") out[rule] = value;
      else await rule(value, key, out, context);
    }
  }
  return out;
}

/** The rules of the fields every Prefect infrastructure block has (`Infrastructure` in Prefect 2). */
export const prefectInfrastructureRules: Readonly<Record<string, PrefectFieldRule>> = {
  env: (value, path, out, context) => {
    for (const name of Object.keys(value !== null && typeof value === "object" ? value : {})) {
      if (name.startsWith("PREFECT_")) {
        context.note(
          `${path}.${name}`,
          "kept as is; infrablocks passes its own INFRABLOCKS_* settings and applies the API-URL rules to INFRABLOCKS_API_URL, not PREFECT_API_URL",
        );
      }
    }
    out.env = value;
  },
  labels: "labels",
  name: "name",
  command: "command",
  stream_output: "streamOutput",
};

/** `image`, with a problem for Prefect's default image: it holds the Prefect runtime, which infrablocks does not run. */
export const prefectImageRule: PrefectFieldRule = (value, path, out, context) => {
  if (typeof value === "string" && /^prefecthq\/prefect(-dev)?:/.test(value)) {
    context.problem(
      path,
      `'${value}' is Prefect's default image, which holds the Prefect runtime; infrablocks has no default image: name the image your command needs`,
    );
  }
  out.image = value;
};
