import { InfrablocksError } from "./errors.js";
import { slugify } from "./slugify.js";

const NAME_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Whether a text follows the rules of document names (see {@link assertDocumentName}). */
export function isDocumentName(name: string): boolean {
  return NAME_PATTERN.test(name);
}

/**
 * A document name made from free text (a Prefect block name such as `Team Registry`): lowercase,
 * other characters as dashes, at most 63. "" when nothing is left; callers choose their fallback.
 */
export function documentNameFrom(text: string): string {
  return slugify(text, { disallowed: /[^a-z0-9]/, lowercase: true, maxLength: 63 });
}

/** Document names: 1 to 63 lowercase letters, digits and dashes, starting and ending with a letter or digit. */
export function assertDocumentName(name: string): void {
  if (!isDocumentName(name)) {
    throw new InfrablocksError(
      "INVALID_NAME",
      `Invalid document name '${name}': use 1 to 63 lowercase letters, digits and dashes, starting and ending with a letter or digit (e.g. 'nightly-etl').`,
    );
  }
}

/** Splits `<slug>/<name>`; anything else is not a reference to a saved document. */
export function parseDocumentReference(reference: string): { slug: string; name: string } | undefined {
  const match = /^([a-z0-9]+(?:-[a-z0-9]+)*)\/([^/]+)$/.exec(reference);
  return match ? { slug: match[1] as string, name: match[2] as string } : undefined;
}
