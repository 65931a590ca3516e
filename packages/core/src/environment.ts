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
  const merged: Record<string, string | null> = {};
  for (const layer of layers) {
    for (const [name, value] of Object.entries(layer)) {
      if (value !== undefined) merged[name] = value;
    }
  }
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(merged)) {
    if (value !== null) result[name] = value;
  }
  return result;
}

/** The variable that names the API the infrastructure talks back to. */
export const API_URL_VARIABLE = "INFRABLOCKS_API_URL";
