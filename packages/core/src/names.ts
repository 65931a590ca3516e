import { InfrablocksError } from "./errors.js";
import { slugify } from "./slugify.js";

/** Block type slugs: lowercase letters and digits in words joined by single dashes (`docker-container`). */
export const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Saved document names: 1 to 63 lowercase letters, digits and dashes, alphanumeric at both ends. */
export const DOCUMENT_NAME_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

const REFERENCE_PATTERN = new RegExp(`^(?<slug>${SLUG_PATTERN.source.slice(1, -1)})/(?<name>[^/]+)$`);

/** Whether a text follows the rules of document names (see {@link assertDocumentName}). */
export function isDocumentName(name: string): boolean {
  return DOCUMENT_NAME_PATTERN.test(name);
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
  const groups = REFERENCE_PATTERN.exec(reference)?.groups;
  return groups ? { slug: groups.slug as string, name: groups.name as string } : undefined;
}
