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

/**
 * The OS environment a local process inherits: everything but the variables that configure
 * infrablocks itself (INFRABLOCKS_HOME would point a nested `infrablocks` at this runner's store).
 */
export function inheritedEnvironment(
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string | undefined> {
  const inherited: Record<string, string | undefined> = { ...env };
  for (const name of OWN_SETTINGS) delete inherited[name];
  return inherited;
}

/** Layers environments left to right; a later layer wins, and `null` removes a variable. */
export function mergeEnvironment(
  ...layers: Readonly<Record<string, string | null | undefined>>[]
): Record<string, string> {
  // No prototype, so a variable named __proto__ is a variable like any other; a plain loop, because
  // this runs for every process started and process.env is slow to enumerate any other way.
  const merged: Record<string, string> = Object.create(null);
  for (const layer of layers) {
    for (const name in layer) {
      const value = layer[name];
      if (value === null) delete merged[name];
      else if (value !== undefined) merged[name] = value;
    }
  }
  return merged;
}

/** The variable that names the API the infrastructure talks back to. */
export const API_URL_VARIABLE = "INFRABLOCKS_API_URL";
