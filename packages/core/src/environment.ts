/** Variables that configure infrablocks itself and are never passed on. */
const OWN_SETTINGS = new Set(["INFRABLOCKS_HOME", "INFRABLOCKS_DEBUG"]);

/** The caller's `INFRABLOCKS_*` variables, which every infrastructure receives. */
export function baseEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const base: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith("INFRABLOCKS_") && !OWN_SETTINGS.has(name) && value !== undefined) {
      base[name] = value;
    }
  }
  return base;
}

/** Layers environments left to right; a later layer wins, and `null` removes a variable. */
export function mergeEnvironment(
  ...layers: Readonly<Record<string, string | null | undefined>>[]
): Record<string, string> {
  // A Map, so that a variable named __proto__ is a variable like any other.
  const merged = new Map<string, string | null>();
  for (const layer of layers) {
    for (const [name, value] of Object.entries(layer)) {
      if (value !== undefined) merged.set(name, value);
    }
  }
  return Object.fromEntries([...merged].filter((entry): entry is [string, string] => entry[1] !== null));
}

/** The variable that names the API the infrastructure talks back to. */
export const API_URL_VARIABLE = "INFRABLOCKS_API_URL";
