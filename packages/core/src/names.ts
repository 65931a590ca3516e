import { InfrablocksError } from "./errors.js";

/** Block type slugs: lowercase letters and digits in words joined by single dashes (`docker-container`). */
export const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Saved document names: 1 to 63 lowercase letters, digits and dashes, alphanumeric at both ends. */
export const DOCUMENT_NAME_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

const REFERENCE_PATTERN = new RegExp(`^(?<slug>${SLUG_PATTERN.source.slice(1, -1)})/(?<name>[^/]+)$`);

/** Document names: 1 to 63 lowercase letters, digits and dashes, starting and ending with a letter or digit. */
export function assertDocumentName(name: string): void {
  if (!DOCUMENT_NAME_PATTERN.test(name)) {
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
