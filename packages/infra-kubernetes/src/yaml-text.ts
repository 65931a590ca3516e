import { parseDocument } from "yaml";

/** Bounds that keep a hostile file from eating memory (the same as core's for block documents). */
const MAX_ALIASES = 100;

/**
 * Parses JSON or YAML text with the YAML core schema (no custom tags), unique keys and bounded
 * aliases. Throws an Error whose message gives only line and column, never the text itself, because
 * the text may be a kubeconfig full of credentials.
 */
export function parseYamlText(text: string, what: string): unknown {
  const document = parseDocument(text, {
    schema: "core",
    customTags: [],
    uniqueKeys: true,
    prettyErrors: true,
  });
  const problem = document.errors[0];
  if (problem) {
    const where = problem.linePos?.[0];
    const at = where ? ` at line ${where.line}, column ${where.col}` : "";
    throw new Error(`${what} is not valid JSON or YAML${at} (${problem.code})`);
  }
  return document.toJS({ maxAliasCount: MAX_ALIASES });
}
