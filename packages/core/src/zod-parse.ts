import type { z } from "zod";
import { type BlockType, blockFields, nestedBlockTypeOf, secretFieldPaths } from "./block-type.js";
import { closestName } from "./closest-name.js";
import { invalidDocument as invalid } from "./document-checker.js";
import { issueSentence, rightTypeBranches } from "./issue-messages.js";
import { isSecretVariableName } from "./mask.js";

/** zod's parse of a document, every rejection worded as `path: plain words` (loaded by the check path only when needed). */
export function parseWithZod(
  blockType: BlockType,
  document: Record<string, unknown>,
  source: string,
): unknown {
  const parsed = blockType.schema.safeParse(document);
  if (!parsed.success) {
    throw invalid(
      source,
      tightestBounds(parsed.error.issues).flatMap((issue) => describeIssue(blockType, issue, document)),
      blockType.slug,
    );
  }
  return parsed.data;
}

/**
 * The issues with, of several bounds a value breaks at one path, only the tightest: a huge number breaks
 * both a field's own maximum and the safe-integer one, and "at most 9007199254740991" beside "at most
 * 1073741824" reads as a contradiction.
 */
function tightestBounds(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const tightest = new Map<string, z.core.$ZodIssue>();
  const bound = (issue: z.core.$ZodIssue) =>
    issue.code === "too_big"
      ? Number(issue.maximum)
      : issue.code === "too_small"
        ? -Number(issue.minimum)
        : 0;
  for (const issue of issues) {
    if (issue.code !== "too_big" && issue.code !== "too_small") continue;
    const key = `${issue.code} ${issue.path.join(".")}`;
    const kept = tightest.get(key);
    if (!kept || bound(issue) < bound(kept)) tightest.set(key, issue);
  }
  return issues.filter(
    (issue) =>
      (issue.code !== "too_big" && issue.code !== "too_small") ||
      tightest.get(`${issue.code} ${issue.path.join(".")}`) === issue,
  );
}

// --- Internal helpers ---

function describeIssue(blockType: BlockType, issue: z.core.$ZodIssue, document: unknown): string[] {
  if (issue.code === "invalid_union") {
    // A list where a list or a text is taken: the list's own problems, one line each.
    const branches = rightTypeBranches(issue);
    if (branches.length === 1) {
      return (branches[0] as z.core.$ZodIssue[]).flatMap((inner) =>
        describeIssue(blockType, { ...inner, path: [...issue.path, ...inner.path] }, document),
      );
    }
  }
  const path = issue.path.map(String);
  // An empty key (`"": v`) shown as such, not as a path that ends in a dot.
  const where = path.map((segment) => (segment === "" ? '""' : segment)).join(".");
  if (issue.code === "unrecognized_keys") {
    const allowed = allowedKeys(blockType, path);
    const known = allowed ? `; known fields: ${allowed.join(", ")}` : "";
    return issue.keys.map((key) => {
      const meant = allowed && closestName(key, allowed);
      return `${where ? `${where}.` : ""}${key}: unknown field${meant ? ` (did you mean ${meant}?)` : ""}${known}`;
    });
  }
  let value: unknown = document;
  for (const key of path) {
    value = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
  }
  return [`${where || "(document)"}: ${issueSentence(issue, value, holdsSecret(blockType, path))}`];
}

/**
 * Whether the value at `path` is a secret, as masking treats it: a secret field (nested blocks'
 * included), a value of a secret mapping, or an `env` value whose name marks it secret.
 */
function holdsSecret(blockType: BlockType, path: string[]): boolean {
  const secrets = secretFieldPaths(blockType);
  if (secrets.includes(path.join(".")) || secrets.includes(`${path.slice(0, -1).join(".")}.*`)) return true;
  const name = path[path.length - 1];
  return path[path.length - 2] === "env" && name !== undefined && isSecretVariableName(name);
}

/** The field names allowed at a path that is a block or a nested block, for "unknown field" hints. */
function allowedKeys(blockType: BlockType, path: string[]): string[] | undefined {
  let current: BlockType | undefined = blockType;
  for (const segment of path) {
    const field: z.ZodType | undefined = current ? blockFields(current)[segment] : undefined;
    current = field ? nestedBlockTypeOf(field) : undefined;
    if (!current) return undefined;
  }
  return Object.keys(blockFields(current));
}
