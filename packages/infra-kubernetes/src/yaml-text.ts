import { isInfrablocksError, parseYamlValue } from "@infrablocks/core/runtime";

/**
 * Parses JSON or YAML text (a kubeconfig, a manifest, a patch list) with core's bounded reader.
 * The message gives only line and column, never the text itself, which may be full of credentials.
 */
export function parseYamlText(text: string, what: string): unknown {
  try {
    return parseYamlValue(text, what);
  } catch (error) {
    if (isInfrablocksError(error, "INVALID_DOCUMENT")) {
      throw new Error(`${what} is not valid JSON or YAML: ${error.issues.join("; ")}`);
    }
    throw error;
  }
}
