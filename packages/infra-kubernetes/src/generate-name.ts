import { createHash } from "node:crypto";
import { slugify } from "@infrablocks/core/runtime";

/** Kubernetes appends 5 random characters to `generateName`; a Job name must fit in 63 (its pods' `job-name` label). */
const NAME_MAX = 63;
const RANDOM_SUFFIX = 5;
const FALLBACK_PREFIX = "infrablocks-job-";

/**
 * The `generateName` of a job: the block's name made a DNS label and followed by a dash, short enough
 * that the name Kubernetes generates is at most 63 characters. Without a usable name, a stable hash
 * of the command and the environment variable names (never their values, which may be secret).
 */
export function generateJobName(
  name: string | undefined,
  command: readonly string[],
  envNames: readonly string[],
): string {
  const slug = slugify(name ?? "", {
    disallowed: /[^a-z0-9-]+/,
    maxLength: NAME_MAX - RANDOM_SUFFIX - 1,
    lowercase: true,
  });
  // A DNS label starts with a letter or digit; slugify trims dashes, and the disallowed class removes the rest.
  if (slug !== "") return `${slug}-`;
  const hash = createHash("sha256")
    .update(JSON.stringify([command, [...envNames].sort()]))
    .digest("hex")
    .slice(0, 12);
  return `${FALLBACK_PREFIX}${hash}-`;
}
