import { isDeepStrictEqual } from "node:util";

/** One RFC 6902 operation. */
export type PatchOperation =
  | { op: "add" | "replace" | "test"; path: string; value: unknown }
  | { op: "remove"; path: string }
  | { op: "move" | "copy"; from: string; path: string };

/** Why an operation could not be applied; `index` is its position in the patch. */
export class PatchError extends Error {
  override readonly name = "PatchError";
  constructor(
    readonly index: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Segments that would reach an object's prototype instead of its data; the JSON-patch prototype
 * pollution bugs (CVE-2021-4279) went through exactly these.
 */
const FORBIDDEN_SEGMENTS = new Set(["__proto__", "constructor", "prototype"]);

/** The segments of a JSON pointer (RFC 6901); throws a plain Error naming the problem. */
export function parsePointer(pointer: string): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) throw new Error(`'${pointer}' is not a JSON pointer: it must start with '/'`);
  const segments = pointer
    .slice(1)
    .split("/")
    .map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"));
  const forbidden = segments.find((segment) => FORBIDDEN_SEGMENTS.has(segment));
  if (forbidden !== undefined)
    throw new Error(`'${pointer}' has the segment '${forbidden}', which is not allowed`);
  return segments;
}

/** Applies a patch to a copy of `document`; the input is never modified. */
export function applyPatch<T>(document: T, patch: readonly PatchOperation[]): T {
  let result: unknown = structuredClone(document);
  patch.forEach((operation, index) => {
    const problem = operationProblem(operation);
    if (problem !== undefined) throw new PatchError(index, problem);
    try {
      result = applyOperation(result, operation);
    } catch (error) {
      throw new PatchError(index, `${operation.op} ${operation.path}: ${(error as Error).message}`);
    }
  });
  return result as T;
}

// --- Internal helpers ---

const OPERATIONS = new Set(["add", "remove", "replace", "test", "move", "copy"]);

/**
 * What is wrong with the shape of an operation, or undefined; callers outside the schema (plain
 * JavaScript, parsed JSON) get a message naming the op and the missing member instead of undefined.
 */
export function operationProblem(operation: unknown): string | undefined {
  if (!isRecord(operation)) return "an operation must be an object with op and path";
  const { op } = operation;
  if (typeof op !== "string" || !OPERATIONS.has(op)) {
    return `unknown op ${JSON.stringify(op)}; use one of ${[...OPERATIONS].join(", ")}`;
  }
  if (typeof operation.path !== "string") return `${op} needs a path (a JSON pointer string)`;
  if ((op === "add" || op === "replace" || op === "test") && !Object.hasOwn(operation, "value")) {
    return `${op} ${operation.path} needs a value`;
  }
  if ((op === "move" || op === "copy") && typeof operation.from !== "string") {
    return `${op} ${operation.path} needs a from (a JSON pointer string)`;
  }
  return undefined;
}

function applyOperation(document: unknown, operation: PatchOperation): unknown {
  const path = parsePointer(operation.path);
  switch (operation.op) {
    case "add":
      return add(document, path, structuredClone(operation.value));
    case "remove":
      return remove(document, path).document;
    case "replace":
      if (path.length === 0) return structuredClone(operation.value);
      return add(remove(document, path).document, path, structuredClone(operation.value));
    case "test": {
      const found = get(document, path);
      if (!isDeepStrictEqual(found, operation.value))
        throw new Error(`the value differs: ${foundInstead(found)}`);
      return document;
    }
    case "move": {
      const from = parsePointer(operation.from);
      if (path.length > from.length && from.every((segment, i) => path[i] === segment)) {
        throw new Error(`cannot move '${operation.from}' into its own child`);
      }
      const removed = remove(document, from);
      return add(removed.document, path, removed.value);
    }
    case "copy":
      return add(document, path, structuredClone(get(document, parsePointer(operation.from))));
  }
}

/**
 * What a failed `test` found, without its text: a manifest's strings include environment values, which
 * may be secrets. Other scalars are shown, a string by its length, a list and an object by their shape.
 */
function foundInstead(value: unknown): string {
  if (typeof value === "string") return `it holds another string (${value.length} characters)`;
  if (Array.isArray(value)) return `it holds a list of ${value.length} item${value.length === 1 ? "" : "s"}`;
  if (isRecord(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) return "it holds an empty object";
    const shown = keys.slice(0, 8).join(", ");
    return `it holds an object with the keys ${shown}${keys.length > 8 ? `, and ${keys.length - 8} more` : ""}`;
  }
  return typeof value === "number" ? `it holds the number ${value}` : `it holds ${JSON.stringify(value)}`;
}

/** A pointer that leads nowhere in the document, named whole (`/metadata/annotations`, not `annotations`). */
class NothingAt extends Error {
  constructor(readonly pointer: string) {
    super(`there is nothing at '${pointer}'`);
  }
}

function get(document: unknown, path: string[]): unknown {
  let node = document;
  for (let depth = 0; depth < path.length; depth++) node = child(node, path, depth);
  return node;
}

/** The child of `node` named by `path[depth]`. */
function child(node: unknown, path: string[], depth: number): unknown {
  const segment = path[depth] as string;
  if (Array.isArray(node)) return node[arrayIndex(node, segment, false)];
  if (isRecord(node) && Object.hasOwn(node, segment)) return node[segment];
  throw new NothingAt(pointerOf(path.slice(0, depth + 1)));
}

function pointerOf(path: string[]): string {
  return path.map((segment) => `/${segment.replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}

function add(document: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const parent = parentOf(document, path);
  const last = path[path.length - 1] as string;
  if (Array.isArray(parent)) {
    parent.splice(arrayIndex(parent, last, true), 0, value);
  } else if (isRecord(parent)) {
    parent[last] = value;
  } else {
    throw new Error(`the parent of '${last}' is not an object or a list`);
  }
  return document;
}

/**
 * Where an add puts its value. Its parent must exist (RFC 6902 A.12); the base manifest has, say, no
 * `metadata.annotations`, so the message says how to make it.
 */
function parentOf(document: unknown, path: string[]): unknown {
  try {
    return get(document, path.slice(0, -1));
  } catch (error) {
    if (!(error instanceof NothingAt)) throw error;
    throw new Error(
      `${error.message} to add into; add it first, e.g. {"op": "add", "path": "${error.pointer}", "value": {}}`,
    );
  }
}

function remove(document: unknown, path: string[]): { document: unknown; value: unknown } {
  if (path.length === 0) throw new Error("cannot remove the whole document");
  const parent = get(document, path.slice(0, -1));
  const last = path[path.length - 1] as string;
  const value = child(parent, path, path.length - 1);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, false), 1);
  else delete (parent as Record<string, unknown>)[last];
  return { document, value };
}

/** A list index per RFC 6902: digits without leading zeros, or `-` (the end) where adding. */
function arrayIndex(list: unknown[], segment: string, adding: boolean): number {
  if (adding && segment === "-") return list.length;
  if (!/^(0|[1-9][0-9]*)$/.test(segment)) throw new Error(`'${segment}' is not a list index`);
  const index = Number(segment);
  const max = adding ? list.length : list.length - 1;
  if (index > max) throw new Error(`index ${index} is past the end of a list of ${list.length}`);
  return index;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
