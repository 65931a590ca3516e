import type { BlockType } from "./block-type.js";
import { blockChecker } from "./block-checker.js";
import { maskedPaths } from "./document-checker.js";
import { MASK } from "./mask.js";

export { maskedSecretProblem } from "./document-checker.js";

/**
 * Dotted paths of every place in a document that holds exactly the mask `show` prints in place of a
 * secret: a secret field (nested inline blocks included) or an `env` value whose name marks it secret.
 */
export function maskedSecretPaths(blockType: BlockType, document: unknown): string[] {
  return maskedPaths(blockChecker(blockType), document);
}

/**
 * Copies each value the stored document holds at a masked path of `document` into it, so that
 * `show` → edit → `save --overwrite` keeps secrets. Returns the paths kept; a masked path the stored
 * document has no string value for stays masked (and so fails validation).
 */
export function restoreMaskedSecrets(
  blockType: BlockType,
  document: Record<string, unknown>,
  stored: Record<string, unknown>,
): string[] {
  const kept: string[] = [];
  for (const path of maskedSecretPaths(blockType, document)) {
    const segments = path.split(".");
    const value = valueAt(stored, segments);
    if (value === undefined || value === MASK) continue;
    const parent = valueAt(document, segments.slice(0, -1)) as Record<string, unknown>;
    parent[segments[segments.length - 1] as string] = structuredClone(value);
    kept.push(path);
  }
  return kept;
}

// --- Internal helpers ---

function valueAt(node: unknown, segments: string[]): unknown {
  let current = node;
  for (const segment of segments) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}
