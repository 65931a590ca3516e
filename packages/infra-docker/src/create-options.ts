type Json = Record<string, unknown>;

// Keys that would reach an object's prototype when copied onto a plain object.
const UNSAFE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * The create body: the block's `createOptions` under the settings infrablocks derives from its fields.
 * Plain objects merge key by key; `Env` merges by variable name and `ExtraHosts` by entry, so both
 * sides' entries survive; anything else infrablocks sets replaces the `createOptions` value.
 */
export function mergeCreateBody(createOptions: Readonly<Json> | undefined, derived: Readonly<Json>): Json {
  return merge(createOptions ?? {}, derived, "") as Json;
}

function merge(base: unknown, over: unknown, key: string): unknown {
  if (over === undefined) return copy(base);
  if (isPlainObject(base) && isPlainObject(over)) {
    const result: Json = {};
    for (const name of new Set([...Object.keys(base), ...Object.keys(over)])) {
      if (UNSAFE_KEYS.has(name)) continue;
      const value = merge(base[name], over[name], name);
      if (value !== undefined) result[name] = value;
    }
    return result;
  }
  if (Array.isArray(base) && Array.isArray(over)) {
    if (key === "Env") return mergeEnvEntries(base, over);
    if (key === "ExtraHosts") return [...new Set([...base, ...over])];
  }
  return copy(over);
}

function mergeEnvEntries(base: unknown[], over: unknown[]): string[] {
  const byName = new Map<string, string>();
  for (const entry of [...base, ...over]) {
    if (typeof entry !== "string") continue;
    const equals = entry.indexOf("=");
    byName.set(equals === -1 ? entry : entry.slice(0, equals), entry);
  }
  return [...byName.values()];
}

function copy(value: unknown): unknown {
  if (isPlainObject(value)) return merge(value, {}, "");
  if (Array.isArray(value)) return value.map(copy);
  return value;
}

function isPlainObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
