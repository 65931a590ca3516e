import { z } from "zod";
import { type BlockType, blockFields, isSecretField, nestedBlockTypeOf, unwrapField } from "./block-type.js";
import { isSecretVariableName, MASK } from "./mask.js";

/**
 * Dotted paths of every place in a document that holds exactly the mask `show` prints in place of a
 * secret: a secret field (nested inline blocks included) or an `env` value whose name marks it secret.
 */
export function maskedSecretPaths(blockType: BlockType, document: unknown, prefix = ""): string[] {
  if (document === null || typeof document !== "object" || Array.isArray(document)) return [];
  const record = document as Record<string, unknown>;
  const found: string[] = [];
  // Walked along the document, not the type alone: a type may nest itself.
  for (const [name, kind] of maskPlan(blockType)) {
    if (!Object.hasOwn(record, name)) continue;
    const value = record[name];
    if (typeof kind !== "string") found.push(...maskedSecretPaths(kind, value, `${prefix}${name}.`));
    else if (kind === "secret") {
      if (value === MASK) found.push(`${prefix}${name}`);
    } else if (kind === "secret-map") {
      if (value === MASK) found.push(`${prefix}${name}`);
      else found.push(...maskedEntries(value, `${prefix}${name}.`));
    } else found.push(...maskedEntries(value, `${prefix}env.`, isSecretVariableName));
  }
  return found;
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

/** The problem line for a masked secret, saying how to get the real value. */
export function maskedSecretProblem(path: string): string {
  return (
    `${path}: holds '${MASK}', the mask printed in place of a secret, not the secret itself; ` +
    "write the real value (infrablocks show SLUG/NAME --reveal prints a saved one; import-prefect --out or --name keeps Prefect's), " +
    "or save with --overwrite over the saved document to keep its stored value"
  );
}

// --- Internal helpers ---

/** How a field can hold a mask: a nested block's type, a secret (as a whole or value by value), or `env`. */
type MaskKind = BlockType | "secret" | "secret-map" | "env";

const maskPlans = new WeakMap<BlockType, [string, MaskKind][]>();

/** The fields of a type that can hold a mask, computed once per type (reading zod's marks is slow). */
function maskPlan(blockType: BlockType): [string, MaskKind][] {
  let plan = maskPlans.get(blockType);
  if (!plan) {
    plan = Object.entries(blockFields(blockType)).flatMap(([name, field]): [string, MaskKind][] => {
      const nested = nestedBlockTypeOf(field);
      if (nested) return [[name, nested]];
      if (isSecretField(field))
        return [[name, unwrapField(field) instanceof z.ZodRecord ? "secret-map" : "secret"]];
      return name === "env" ? [[name, "env"]] : [];
    });
    maskPlans.set(blockType, plan);
  }
  return plan;
}

function maskedEntries(value: unknown, prefix: string, secretName: (name: string) => boolean = () => true) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [];
  // A loop, not entries().flatMap(): this runs for every document checked.
  const found: string[] = [];
  for (const name of Object.keys(value)) {
    if ((value as Record<string, unknown>)[name] === MASK && secretName(name)) found.push(`${prefix}${name}`);
  }
  return found;
}

function valueAt(node: unknown, segments: string[]): unknown {
  let current = node;
  for (const segment of segments) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}
