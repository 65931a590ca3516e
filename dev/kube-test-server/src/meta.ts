import { randomInt, randomUUID } from "node:crypto";

/** metav1.Time: RFC 3339 with whole seconds. */
export function timestamp(date = new Date()): string {
  return date.toISOString().replace(/\.\d+Z$/, "Z");
}

/** The apiserver's alphabet for generated names: no vowels and no look-alike characters. */
const SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

export function randomSuffix(length = 5): string {
  let out = "";
  for (let i = 0; i < length; i++) out += SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)];
  return out;
}

/** `generateName` prefixes are cut so the name still fits in 63 characters with its suffix. */
export function generateName(prefix: string): string {
  return `${prefix.slice(0, 58)}${randomSuffix()}`;
}

export function newUid(): string {
  return randomUUID();
}
