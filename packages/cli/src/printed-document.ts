import { type BlockType, isSecretVariableName, MASK, maskDocument, stringifyYaml } from "@infrablocks/core";

// How the CLI prints a block document: what `show` and `import-prefect` print, and `save` reads back.

/**
 * A document as the CLI prints it: its secret fields masked, and the `env` values whose names mark them
 * secret (as previews mask them). Masked field by field before printing, the mask stays a quoted YAML
 * string, which `save --overwrite` reads back as "keep the stored value"; the redactor, which replaces
 * text after printing, would leave it a bare `********`, a YAML alias.
 */
export function maskedForOutput(
  blockType: BlockType,
  document: Record<string, unknown>,
): Record<string, unknown> {
  const masked = maskDocument(blockType, document);
  const env = masked.env;
  if (env === null || typeof env !== "object" || Array.isArray(env)) return masked;
  const entries = Object.entries(env).map(([name, value]) => [
    name,
    typeof value === "string" && isSecretVariableName(name) ? MASK : value,
  ]);
  return { ...masked, env: Object.fromEntries(entries) };
}

/** The YAML of a document with its `$name` first, as `save` reads it back under that name. */
export function namedYaml(name: string, document: Record<string, unknown>): string {
  return stringifyYaml({ $name: name, ...document });
}
