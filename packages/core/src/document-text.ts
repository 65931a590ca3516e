import type { Document as YamlDocument } from "yaml";
import { invalidDocument as invalid } from "./document-checker.js";
import { InfrablocksError } from "./errors.js";
import { yamlLibrary } from "./lazy-yaml.js";
import { isDocumentName } from "./names.js";
import { readPlainYaml } from "./plain-yaml.js";

// Zod-free: the CLI reads documents with it (`@infrablocks/core/runtime`).

/** Bounds that keep a hostile document from eating memory or the stack. */
export const DOCUMENT_LIMITS = {
  maxBytes: 16 * 1024 * 1024,
  maxDepth: 64,
  maxAliases: 100,
} as const;

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
export function parseDocumentsText(content: string, source: string): SourceDocument[] {
  // A byte order mark, as some editors write one: YAML allows it, JSON.parse does not.
  const text = content.startsWith("\uFEFF") ? content.slice(1) : content;
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

// --- Internal helpers ---

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
  const plain = readPlainYaml(text, DOCUMENT_LIMITS.maxDepth);
  if (plain !== undefined) return [plain];
  const { parseAllDocuments } = yamlLibrary();
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
  const { isScalar } = yamlLibrary();
  const contents = document.contents;
  return contents === null || (isScalar(contents) && contents.source === "");
}

/** The first line of a YAML problem: the code frame below it would quote the text, secrets and all. */
function firstLine(problem: { message: string }): string {
  return (problem.message.split("\n")[0] ?? "").replace(/:\s*$/, "");
}

/** A problem for each key that appears twice in one mapping (the first few), with its line. */
function duplicateKeys(document: YamlDocument, text: string): string[] {
  const { isScalar, visit } = yamlLibrary();
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

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return `a ${typeof value}`;
}
