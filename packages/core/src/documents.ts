import { type Document as YamlDocument, isScalar, parseAllDocuments, visit } from "yaml";
import type { z } from "zod";
import { type BlockConfigOf, type BlockType, blockFields, nestedBlockTypeOf } from "./block-type.js";
import { compiledValidatorIsExact, orderedCopy } from "./compiled-validation.js";
import { InfrablocksError, isInfrablocksError } from "./errors.js";
import { infrastructureFieldProblems } from "./infrastructure-fields.js";
import { issueSentence } from "./issue-messages.js";
import { maskedSecretPaths, maskedSecretProblem } from "./masked-secrets.js";
import { secretEnvironmentValues, secretValues } from "./secrets.js";
import { isDocumentName, parseDocumentReference } from "./names.js";
import type { BlockRegistry } from "./registry.js";

/** Bounds that keep a hostile document from eating memory or the stack. */
export const DOCUMENT_LIMITS = {
  maxBytes: 16 * 1024 * 1024,
  maxDepth: 64,
  maxAliases: 100,
} as const;

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

export interface ResolveOptions {
  /**
   * Called with the secret values of each document as it is read (the document itself, then each
   * `$ref`'d one), before anything is validated: a caller that masks output learns them once, and
   * in time for even an error about the document not to echo one.
   */
  onSecrets?(values: string[]): void;
}

/** Loads a saved document by slug and name (throws `DOCUMENT_NOT_FOUND` when there is none). */
export type SavedDocumentLoader = (slug: string, name: string) => Promise<Record<string, unknown>>;

/** One document of a file: what {@link parseDocumentsText} returns for each. */
export interface SourceDocument {
  /** The block document, without `$name`. */
  document: Record<string, unknown>;
  /** The name the document gives itself with `$name`, for `save`; not a field of the block. */
  name?: string;
  /** Names the document in messages: the source, and `#N slug/name` when the text holds several. */
  label: string;
}

/**
 * Parses JSON or YAML text of any shape with the bounds of block documents: the YAML core schema only
 * (no custom tags), unique keys, bounded size, aliases and nesting. Problems name a line and column,
 * never quote the text, which may hold credentials (a kubeconfig). `what` names the text in errors.
 */
export function parseYamlValue(text: string, what: string): unknown {
  const values = parseYamlValues(text, what);
  if (values.length > 1) {
    throw invalid(what, [
      `the text holds ${values.length} YAML documents (separated by ---); one is expected`,
    ]);
  }
  return values[0] ?? null;
}

/**
 * Parses JSON or YAML text into a block document: a mapping, read by {@link parseYamlValue}. A source
 * named `*.json` must also be strict JSON (no trailing commas, comments or bare words). A text that
 * holds several documents is an error here; {@link parseDocumentsText} reads those.
 */
export function parseDocumentText(text: string, source: string): Record<string, unknown> {
  const documents = parseDocumentsText(text, source);
  if (documents.length > 1) {
    throw invalid(source, [
      `the text holds ${documents.length} documents (${documents.map((entry) => entry.label.slice(source.length)).join(", ")}); one is expected`,
    ]);
  }
  return (documents[0] as SourceDocument).document;
}

/**
 * Parses a file of block documents: one JSON document, or a YAML stream of one or more separated by
 * `---` (comment-only documents skipped), each read with the bounds of {@link parseYamlValue}. A
 * document may name itself with a top-level `$name` (the name `save` stores it under), which is
 * removed from the block. Errors name the document by its position and, when known, its type and name.
 */
export function parseDocumentsText(text: string, source: string): SourceDocument[] {
  // NUL or bytes that are not UTF-8 (read as U+FFFD): an image or a binary, not a document.
  if (text.includes("\u0000") || text.includes("\uFFFD")) {
    throw invalid(source, ["the file holds binary data, not text: a block document is JSON or YAML text"]);
  }
  if (source.toLowerCase().endsWith(".json")) assertStrictJson(text, source);
  const values = parseYamlValues(text, source);
  const several = values.length > 1;
  return values.map((value, index) => {
    const position = several ? `#${index + 1}` : "";
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw invalid(`${source}${position}`, [
        `a block document is a mapping of fields with a 'type', not ${describe(value)}`,
      ]);
    }
    const { $name: name, ...document } = value as Record<string, unknown>;
    const type = typeof document.type === "string" ? document.type : undefined;
    const shown = typeof name === "string" ? `${type ?? "?"}/${name}` : type;
    const label = several ? `${source}${position}${shown ? ` ${shown}` : ""}` : source;
    if (name !== undefined && (typeof name !== "string" || !isDocumentName(name))) {
      throw invalid(label, [
        `$name: ${JSON.stringify(name)} is not a document name: use 1 to 63 lowercase letters, digits and dashes, starting and ending with a letter or digit (e.g. 'nightly-etl')`,
      ]);
    }
    return { document, label, ...(typeof name === "string" ? { name } : {}) };
  });
}

/**
 * Checks a document against its block type: picks the type by `type`, resolves nested `$ref`s
 * through `loadSaved`, and validates every field. Every problem names its field path.
 */
export async function resolveBlock<TBlockType extends BlockType>(
  registry: BlockRegistry<TBlockType>,
  document: Record<string, unknown>,
  loadSaved: SavedDocumentLoader,
  source = "document",
  options: ResolveOptions = {},
): Promise<ResolvedBlock<TBlockType>> {
  const slug = document.type;
  if (typeof slug !== "string" || slug === "") {
    throw invalid(source, [`type: required; one of ${registry.slugs().join(", ")}`]);
  }
  const blockType = await registry.get(slug);
  const learn = (type: BlockType, read: Record<string, unknown>) =>
    options.onSecrets?.([...secretValues(type, read), ...secretEnvironmentValues(read.env)]);
  learn(blockType, document);
  // Most types hold no nested block: their documents need no copy (and no await).
  const resolved =
    nestedFieldsOf(blockType).length === 0
      ? document
      : await resolveReferences(blockType, document, loadSaved, "", [source], learn);
  const masked = maskedSecretPaths(blockType, resolved);
  if (masked.length > 0) throw invalid(source, masked.map(maskedSecretProblem), slug);
  const config = parseConfig(blockType, resolved, source);
  const problems = checkBlock(blockType, config, "");
  if (problems.length > 0) throw invalid(source, problems, slug);
  return { slug, blockType, document: resolved, config } as unknown as ResolvedBlock<TBlockType>;
}

/**
 * The parsed config of a document. The compiled validator decides alone when its verdict is the zod
 * parse (see {@link compiledValidatorIsExact}); zod, the source of truth, parses otherwise, and words
 * every rejection, so messages are the same whichever path ran.
 */
function parseConfig(blockType: BlockType, document: Record<string, unknown>, source: string): unknown {
  const validate = blockType.validate;
  if (validate && compiledValidatorIsExact(blockType)) {
    const filled = orderedCopy(blockType, document);
    if (validate(filled)) return filled;
  }
  const parsed = blockType.schema.safeParse(document);
  if (!parsed.success) {
    throw invalid(
      source,
      parsed.error.issues.flatMap((issue) => describeIssue(blockType, issue, document)),
      blockType.slug,
    );
  }
  return parsed.data;
}

/** Runs the type's own checks and those of every nested block, as `path: message` lines. */
function checkBlock(blockType: BlockType, config: unknown, prefix: string): string[] {
  const shared = infrastructureFieldProblems(blockType, config);
  const own = blockType.check ? [...shared, ...blockType.check(config)] : shared;
  const problems = own.map((problem) => {
    const path = problem.path ? `${prefix}${problem.path}` : prefix.slice(0, -1);
    return `${path || "(document)"}: ${problem.message}`;
  });
  for (const [name, nested] of nestedFieldsOf(blockType)) {
    const value = (config as Record<string, unknown>)[name];
    if (value !== undefined && value !== null)
      problems.push(...checkBlock(nested, value, `${prefix}${name}.`));
  }
  return problems;
}

// --- Internal helpers ---

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** JSON.parse's verdict, with its character position turned into a line and column. */
function assertStrictJson(text: string, source: string): void {
  try {
    JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /at position (\d+)/.exec(message)?.[1];
    let where = "";
    if (position !== undefined) {
      const before = text.slice(0, Number(position)).split("\n");
      where = ` at line ${before.length}, column ${(before[before.length - 1] as string).length + 1}`;
    }
    // Node's message may quote the text around the fault, which may hold a credential: keep only its kind.
    const kind = message.split(/ in JSON| at position|,? "/)[0]?.replace(/^JSON Parse error: /, "") ?? "";
    throw invalid(source, [
      `not valid JSON${where}: ${kind || "syntax error"}; a .json file is strict JSON (no trailing commas or comments); use a .yaml file for YAML`,
    ]);
  }
}

/** The values of a YAML stream (JSON is YAML), with the limits applied; at least one (`null` when empty). */
function parseYamlValues(text: string, what: string): unknown[] {
  const bytes = Buffer.byteLength(text);
  if (bytes > DOCUMENT_LIMITS.maxBytes) {
    throw invalid(what, [`the text is ${bytes} bytes; the limit is ${DOCUMENT_LIMITS.maxBytes}`]);
  }
  try {
    assertFlowDepth(text, what);
    // resolveKnownTags off: YAML 1.1 tags (!!binary, !!set, !!timestamp...) would yield values JSON cannot hold.
    const parsed = parseAllDocuments(text, {
      schema: "core",
      customTags: [],
      resolveKnownTags: false,
      // The parser's own duplicate-key check compares every key with every other (quadratic); ours is linear.
      uniqueKeys: false,
      prettyErrors: true,
    });
    const documents = [...parsed];
    const problems = ("empty" in parsed ? parsed.errors : []).map(firstLine);
    // A stream of several keeps only documents with content; a lone empty one is the value null.
    const kept =
      documents.length > 1 ? documents.filter((document) => !isEmptyDocument(document)) : documents;
    const values = kept.map((document, index) => {
      const where = kept.length > 1 ? `${what}#${index + 1}` : what;
      const issues = [...document.errors, ...document.warnings].map(firstLine);
      issues.push(...duplicateKeys(document, text));
      if (issues.length > 0) throw invalid(where, issues);
      const value = document.toJS({ maxAliasCount: DOCUMENT_LIMITS.maxAliases });
      assertDepth(value, where);
      return value;
    });
    if (problems.length > 0) throw invalid(what, problems);
    return values.length > 0 ? values : [null];
  } catch (error) {
    if (error instanceof InfrablocksError) throw error;
    const reason = error instanceof RangeError ? "the text is nested too deeply" : (error as Error).message;
    throw invalid(what, [reason]);
  }
}

/** A document of nothing but comments (`~` or `null` is content: an explicit null). */
function isEmptyDocument(document: YamlDocument): boolean {
  const contents = document.contents;
  return contents === null || (isScalar(contents) && contents.source === "");
}

/** The first line of a YAML problem: the code frame below it would quote the text, secrets and all. */
function firstLine(problem: { message: string }): string {
  return (problem.message.split("\n")[0] ?? "").replace(/:\s*$/, "");
}

/** A problem for each key that appears twice in one mapping (the first few), with its line. */
function duplicateKeys(document: YamlDocument, text: string): string[] {
  const problems: string[] = [];
  visit(document, {
    Map(_key, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (!seen.has(key)) {
          seen.add(key);
        } else if (problems.length < 10) {
          const offset = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
          const line = offset === undefined ? "" : ` at line ${text.slice(0, offset).split("\n").length}`;
          problems.push(`Map keys must be unique: '${String(key)}' appears twice${line}`);
        }
      }
    },
  });
  return problems;
}

/**
 * Rejects JSON-style nesting ([ and { outside quoted strings) past the limit before parsing, so a
 * hostile document fails fast instead of exhausting the parser's stack.
 */
function assertFlowDepth(text: string, source: string): void {
  let depth = 0;
  let quote: string | undefined;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (quote) {
      if (char === "\\" && quote === '"') index++;
      else if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (char === "[" || char === "{") {
      if (++depth > DOCUMENT_LIMITS.maxDepth) {
        throw invalid(source, [`the document is nested deeper than ${DOCUMENT_LIMITS.maxDepth} levels`]);
      }
    } else if (char === "]" || char === "}") {
      depth--;
    } else if (char === "#") {
      // A comment runs to the end of the line and may hold any bracket.
      const end = text.indexOf("\n", index);
      index = end === -1 ? text.length : end;
    }
  }
}

function assertDepth(root: unknown, source: string): void {
  const pending: [unknown, number][] = [[root, 1]];
  while (pending.length > 0) {
    const [value, depth] = pending.pop() as [unknown, number];
    if (value === null || typeof value !== "object") continue;
    if (depth > DOCUMENT_LIMITS.maxDepth) {
      throw invalid(source, [`the document is nested deeper than ${DOCUMENT_LIMITS.maxDepth} levels`]);
    }
    for (const item of Object.values(value)) pending.push([item, depth + 1]);
  }
}

async function resolveReferences(
  blockType: BlockType,
  document: Record<string, unknown>,
  loadSaved: SavedDocumentLoader,
  path: string,
  chain: string[],
  learn: (type: BlockType, read: Record<string, unknown>) => void,
): Promise<Record<string, unknown>> {
  const nestedFields = nestedFieldsOf(blockType);
  // Most types hold no nested block: their documents need no copy.
  if (nestedFields.length === 0) return document;
  const resolved: Record<string, unknown> = { ...document };
  for (const [name, nested] of nestedFields) {
    const value = resolved[name];
    if (value === null || typeof value !== "object" || Array.isArray(value)) continue;
    const fieldPath = `${path}${name}`;
    let inline = value as Record<string, unknown>;
    let fieldChain = chain;
    if ("$ref" in inline) {
      const target = referenceTarget(inline, nested, fieldPath, chain[0] as string);
      const key = `${target.slug}/${target.name}`;
      if (chain.includes(key)) {
        throw invalid(chain[0] as string, [
          `${fieldPath}.$ref: '${key}' refers back to itself (${[...chain, key].join(" -> ")})`,
        ]);
      }
      inline = await loadSaved(target.slug, target.name).catch((error: unknown) => {
        if (!isInfrablocksError(error, "DOCUMENT_NOT_FOUND")) throw error;
        // Same code (exit 3), but the message says which field holds the dangling reference.
        const issue = `${fieldPath}.$ref: ${lowerFirst(error.message)}`;
        throw new InfrablocksError("DOCUMENT_NOT_FOUND", `Invalid document (${chain[0]}):\n  ${issue}`, {
          issues: [issue],
          cause: error,
        });
      });
      learn(nested, inline);
      fieldChain = [...chain, key];
    }
    resolved[name] = await resolveReferences(nested, inline, loadSaved, `${fieldPath}.`, fieldChain, learn);
  }
  return resolved;
}

const nestedFieldCache = new WeakMap<BlockType, [string, BlockType][]>();

/** The fields of a type that hold nested blocks, computed once per type. */
function nestedFieldsOf(blockType: BlockType): [string, BlockType][] {
  let fields = nestedFieldCache.get(blockType);
  if (!fields) {
    fields = Object.entries(blockFields(blockType)).flatMap(([name, field]) => {
      const nested = nestedBlockTypeOf(field);
      return nested ? [[name, nested] as [string, BlockType]] : [];
    });
    nestedFieldCache.set(blockType, fields);
  }
  return fields;
}

function referenceTarget(
  value: Record<string, unknown>,
  nested: BlockType,
  fieldPath: string,
  source: string,
): { slug: string; name: string } {
  const reference = value.$ref;
  const extraKeys = Object.keys(value).filter((key) => key !== "$ref");
  const target = typeof reference === "string" ? parseDocumentReference(reference) : undefined;
  if (!target || extraKeys.length > 0) {
    throw invalid(source, [
      `${fieldPath}.$ref: expected { "$ref": "${nested.slug}/<name>" } and nothing else`,
    ]);
  }
  if (target.slug !== nested.slug) {
    throw invalid(source, [
      `${fieldPath}.$ref: expected a ${nested.slug} document, got '${String(reference)}'`,
    ]);
  }
  return target;
}

function describeIssue(blockType: BlockType, issue: z.core.$ZodIssue, document: unknown): string[] {
  const path = issue.path.map(String);
  const where = path.join(".");
  if (issue.code === "unrecognized_keys") {
    const allowed = allowedKeys(blockType, path);
    const hint = allowed ? `; known fields: ${allowed.join(", ")}` : "";
    return issue.keys.map((key) => `${where ? `${where}.` : ""}${key}: unknown field${hint}`);
  }
  let value: unknown = document;
  for (const key of path) {
    value = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
  }
  return [`${where || "(document)"}: ${issueSentence(issue, value)}`];
}

/** The field names allowed at a path that is a block or a nested block, for "unknown field" hints. */
function allowedKeys(blockType: BlockType, path: string[]): string[] | undefined {
  let current: BlockType | undefined = blockType;
  for (const segment of path) {
    const field: z.ZodType | undefined = current ? blockFields(current)[segment] : undefined;
    current = field ? nestedBlockTypeOf(field) : undefined;
    if (!current) return undefined;
  }
  return Object.keys(blockFields(current));
}

function invalid(source: string, issues: string[], slug?: string): InfrablocksError {
  const what = slug ? `${slug} document` : "document";
  return new InfrablocksError("INVALID_DOCUMENT", `Invalid ${what} (${source}):\n  ${issues.join("\n  ")}`, {
    issues,
  });
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return `a ${typeof value}`;
}
