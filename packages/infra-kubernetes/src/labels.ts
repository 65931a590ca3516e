import { slugify } from "@infrablocks/core/runtime";

/** The run id of the run that created a Job, on the Job and its pods: how `ps`, `attach` and `sweep` find it. */
export const RUN_ID_LABEL = "infrablocks.io/run-id";
/** `<hostname>:<pid>:<start time>` of the runner; an annotation, as label values cannot hold ':'. */
export const RUNNER_ANNOTATION = "infrablocks.io/runner";

/** Kubernetes' limits for label keys and values (apimachinery validation). */
const PREFIX_MAX = 253;
const NAME_MAX = 63;
const VALUE_MAX = 63;

/**
 * A label key made valid for Kubernetes: an optional DNS-subdomain prefix (lowercase, at most 253
 * characters) and a name of at most 63 characters from `[A-Za-z0-9._-]` with alphanumeric ends.
 * Returns undefined when nothing valid is left of the name, so callers can report the label instead
 * of sending the API a key it rejects.
 */
export function labelKey(key: string): string | undefined {
  const slash = key.indexOf("/");
  const rawPrefix = slash >= 0 ? key.slice(0, slash) : "";
  const rawName = slash >= 0 ? key.slice(slash + 1) : key;
  const name = slugify(rawName, { disallowed: /[^A-Za-z0-9._-]+/, maxLength: NAME_MAX, trim: "-_." });
  if (name === "") return undefined;
  // A DNS subdomain: dot-separated DNS labels (lowercase, digits, dashes inside), 253 characters at most.
  const prefix = rawPrefix
    .split(".")
    .map((part) => slugify(part, { disallowed: /[^a-z0-9-]+/, maxLength: 63, lowercase: true }))
    .filter((part) => part !== "")
    .join(".")
    .slice(0, PREFIX_MAX)
    .replace(/[-.]+$/, "");
  return prefix === "" ? name : `${prefix}/${name}`;
}

/** A label value made valid: at most 63 characters from `[A-Za-z0-9._-]` with alphanumeric ends; may be empty. */
export function labelValue(value: string): string {
  return slugify(value, { disallowed: /[^A-Za-z0-9._-]+/, maxLength: VALUE_MAX, trim: "-_." });
}

/** The block's labels made valid for Kubernetes; `invalid` holds the keys with nothing valid left. */
export function kubernetesLabels(labels: Readonly<Record<string, string>>): {
  labels: Record<string, string>;
  invalid: string[];
} {
  const result: Record<string, string> = {};
  const invalid: string[] = [];
  for (const [key, value] of Object.entries(labels)) {
    const validKey = labelKey(key);
    if (validKey === undefined) invalid.push(key);
    else result[validKey] = labelValue(value);
  }
  return { labels: result, invalid };
}
