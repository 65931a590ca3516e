import { slugify } from "@infrablocks/core/runtime";

/** How many suffixed names (`-1`, `-2`, …) a run tries when the name is taken. */
export const NAME_CONFLICT_RETRIES = 10;

// Docker's own rule: a letter or digit, then at least one of [a-zA-Z0-9_.-].
const VALID_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/**
 * The container name for a block's `name`: characters Docker refuses become `-`, leading `_-.` go.
 * Undefined when nothing usable is left (Docker then makes up a name).
 */
export function containerName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const slug = slugify(name, { disallowed: /[^a-zA-Z0-9_.-]+/, maxLength: 250 }).replace(/^[_.-]+/, "");
  return VALID_NAME.test(slug) ? slug : undefined;
}

/** The names a run tries, in order: the name itself, then `-1` … `-N`. */
export function candidateNames(name: string): string[] {
  return [name, ...Array.from({ length: NAME_CONFLICT_RETRIES }, (_, index) => `${name}-${index + 1}`)];
}
