// Zod-free: the CLI's check path (`@infrablocks/core/runtime`) imports it; block-secrets.ts reads the paths from a block type.
import { parseYaml } from "./lazy-yaml.js";
import { isSecretVariableName, MASK } from "./mask.js";

/** The environment with the values of secret-looking variables masked, for previews. */
export function maskEnvironment(env: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([name, value]) => [name, isSecretVariableName(name) ? MASK : value]),
  );
}

/** Values of the variables whose names mark them secret (…KEY, …TOKEN, …SECRET, …PASSWORD), for a {@link Redactor}. */
export function secretEnvironmentValues(env: unknown): string[] {
  if (env === null || typeof env !== "object") return [];
  return Object.entries(env).flatMap(([name, value]) =>
    typeof value === "string" && isSecretVariableName(name) ? [value] : [],
  );
}

/** A deep copy of a document with the values at these secret paths (`password`, `env.*`) masked. */
export function maskAtPaths<T>(paths: readonly string[], document: T): T {
  const copy = structuredClone(document);
  for (const path of paths) maskPath(copy, path.split("."));
  return copy;
}

/** Every secret value a document holds at these secret paths, so output can be scrubbed of them. */
export function secretValuesAt(paths: readonly string[], document: unknown): string[] {
  const values: string[] = [];
  for (const path of paths) collectPath(document, path.split("."), values);
  return values.filter((value) => value.length > 0);
}

/**
 * Replaces secret values in text, also in the encodings they may travel in: JSON-escaped,
 * URL-encoded and base64 (as in Docker's X-Registry-Auth header).
 */
export class Redactor {
  readonly #needles = new Set<string>();

  add(...values: string[]): void {
    for (const value of values) {
      // Very short values would mask unrelated text; they are masked in structured output only.
      if (value.length < 4) continue;
      for (const form of encodings(value)) this.#needles.add(form);
    }
  }

  redact(text: string): string {
    let result = text;
    // Longest first, so a secret that contains a shorter one is masked whole.
    const needles = [...this.#needles].sort((a, b) => b.length - a.length);
    for (const needle of needles) {
      if (result.includes(needle)) result = result.split(needle).join(MASK);
    }
    return result;
  }
}

// --- Internal helpers ---

function encodings(value: string): string[] {
  const forms = [
    value,
    JSON.stringify(value).slice(1, -1),
    encodeURIComponent(value),
    Buffer.from(value).toString("base64"),
    Buffer.from(value).toString("base64url"),
  ];
  return [...new Set(forms.filter((form) => form.length > 0))];
}

function maskPath(node: unknown, path: string[]): void {
  if (node === null || typeof node !== "object") return;
  const [head, ...rest] = path as [string, ...string[]];
  const record = node as Record<string, unknown>;
  const keys = head === "*" ? Object.keys(record) : [head];
  for (const key of keys) {
    if (!(key in record) || record[key] === undefined || record[key] === null) continue;
    if (rest.length === 0) record[key] = MASK;
    else maskPath(record[key], rest);
  }
}

function collectPath(node: unknown, path: string[], into: string[]): void {
  if (node === null || typeof node !== "object") return;
  const [head, ...rest] = path as [string, ...string[]];
  const record = node as Record<string, unknown>;
  const keys = head === "*" ? Object.keys(record) : [head];
  for (const key of keys) {
    const value = record[key];
    if (rest.length > 0) collectPath(value, rest, into);
    else if (typeof value === "string") {
      into.push(value);
      collectCredentials(parseStructuredText(value), into);
    } else collectCredentials(value, into);
  }
}

const CREDENTIAL_KEY = /token|password|secret|key|cert|data|credential|auth/i;

/**
 * A secret that is a whole structure (a kubeconfig) is masked whole in documents; in free text we
 * scrub the credentials inside it, not every word, so that names like `default` stay readable.
 */
function collectCredentials(value: unknown, into: string[], underCredentialKey = false): void {
  if (typeof value === "string") {
    if (underCredentialKey) into.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) collectCredentials(item, into, underCredentialKey);
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      collectCredentials(item, into, underCredentialKey || CREDENTIAL_KEY.test(key));
    }
  }
}

function parseStructuredText(text: string): unknown {
  if (!text.includes("\n") && !text.trimStart().startsWith("{")) return undefined;
  try {
    return parseYaml(text, { maxAliasCount: 0 });
  } catch {
    return undefined;
  }
}
