import { InfrablocksError } from "./errors.js";

const NAME_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Document names: 1 to 63 lowercase letters, digits and dashes, starting and ending with a letter or digit. */
export function assertDocumentName(name: string): void {
  if (!NAME_PATTERN.test(name)) {
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
