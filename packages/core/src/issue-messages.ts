import type { z } from "zod";
import { closestName } from "./closest-name.js";

type Issue = z.core.$ZodIssue;

/**
 * One zod issue in plain words, without its path: what was expected, what was found, and the allowed
 * values where there are few. `value` is the input at the issue's path, to say what was found; when it
 * is `secret`, only its kind is told (a password given as a number is a secret all the same).
 */
export function issueSentence(issue: Issue, value: unknown, secret = false): string {
  // A message a schema wrote itself is already plain words; zod's own defaults are rewritten. A union
  // with branches to tell of is worded from them.
  const ownWords = issue.code !== "invalid_union" || issue.errors.length === 0;
  if (ownWords && !ZOD_DEFAULT_MESSAGE.test(issue.message)) return issue.message;
  switch (issue.code) {
    case "invalid_type":
      return wrongTypeSentence(issue.expected, value, secret);
    case "too_small":
      return sizeSentence(issue.origin, "at least", "more than", issue.minimum, issue.inclusive);
    case "too_big":
      return sizeSentence(issue.origin, "at most", "less than", issue.maximum, issue.inclusive);
    case "invalid_value": {
      const allowed = issue.values.map((item) => JSON.stringify(item));
      const choices = issue.values.filter((item): item is string => typeof item === "string");
      // The allowed value it was likely meant to be (`never` for `Never`); the text itself is not told.
      const meant = typeof value === "string" && !secret ? closestName(value, choices) : undefined;
      const hint = meant === undefined ? "" : ` (did you mean ${JSON.stringify(meant)}?)`;
      if (allowed.length === 1) return `must be ${allowed[0]}, got ${found(value, secret)}${hint}`;
      return `must be one of ${allowed.join(", ")}, got ${found(value, secret)}${hint}`;
    }
    case "invalid_format":
      return formatSentence(issue);
    case "not_multiple_of":
      return `must be a multiple of ${String(issue.divisor)}`;
    case "invalid_key":
      return `is not an allowed name here: ${issue.issues.map((inner) => issueSentence(inner, undefined)).join("; ")}`;
    case "invalid_element":
      return `holds an invalid value: ${issue.issues.map((inner) => issueSentence(inner, undefined)).join("; ")}`;
    case "invalid_union":
      return unionSentence(issue, value, secret);
    case "unrecognized_keys":
      return `unknown field${issue.keys.length === 1 ? "" : "s"} ${issue.keys.join(", ")}`;
    case "custom":
      return issue.message;
  }
}

/**
 * A value of the wrong type, or none, in words (`expected text, got the number 5`, `required (text)`),
 * as zod-free checks word it too. `nonoptional` is a member that may hold anything, left out.
 */
export function wrongTypeSentence(expected: string, value: unknown, secret = false): string {
  if (value === undefined)
    return expected === "nonoptional" ? "required" : `required (${typeWords(expected)})`;
  return `expected ${typeWords(expected)}, got ${found(value, secret)}${quoteHint(expected, value)}`;
}

// --- Internal helpers ---

const ZOD_DEFAULT_MESSAGE = /^(Invalid|Too (small|big)|Unrecognized key)/;

const TYPE_WORDS: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping of fields",
  record: "a mapping",
  map: "a mapping",
  null: "null",
  literal: "a fixed value",
};

function typeWords(expected: string): string {
  return TYPE_WORDS[expected] ?? `a ${expected}`;
}

/** What a value is, in words, never quoting text (it may be a secret), nor a secret's number or boolean. */
function found(value: unknown, secret: boolean): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "number") {
    if (!Number.isFinite(value))
      return Number.isNaN(value) ? "NaN (not a number)" : "a number too large to hold";
    return secret ? "a number" : `the number ${value}`;
  }
  if (typeof value === "boolean") return secret ? "a boolean" : `${value}`;
  if (typeof value === "string") return "text";
  if (typeof value === "object") return "a mapping";
  return `a ${typeof value}`;
}

/** YAML reads 0x1F, 010, yes or 1e3 unquoted as numbers or booleans: say how to keep the text. */
function quoteHint(expected: string, value: unknown): string {
  if (expected !== "string" || (typeof value !== "number" && typeof value !== "boolean")) return "";
  return " (YAML reads unquoted numbers, hex like 0x1F and true/false as such; put the value in quotes to keep it as text)";
}

function sizeSentence(
  origin: string,
  inclusiveWord: string,
  exclusiveWord: string,
  bound: number | bigint,
  inclusive: boolean | undefined,
): string {
  const limit = `${inclusive === false ? exclusiveWord : inclusiveWord} ${String(bound)}`;
  if (origin === "string") return `must be ${limit} character${Number(bound) === 1 ? "" : "s"} long`;
  if (origin === "array" || origin === "set")
    return `must hold ${limit} item${Number(bound) === 1 ? "" : "s"}`;
  return `must be ${limit}`;
}

function formatSentence(issue: z.core.$ZodIssueInvalidStringFormat): string {
  if (issue.format === "regex" && "pattern" in issue)
    return `must match the pattern ${String(issue.pattern)}`;
  if (issue.format === "starts_with" && "prefix" in issue) return `must start with '${String(issue.prefix)}'`;
  if (issue.format === "ends_with" && "suffix" in issue) return `must end with '${String(issue.suffix)}'`;
  if (issue.format === "url") return "must be a URL such as https://example.com";
  return `must be a valid ${issue.format}`;
}

/**
 * A union fails when no alternative accepts the value. When the value has the type of some
 * alternatives but breaks their rules, those rules are the news; otherwise list the accepted types.
 */
function unionSentence(issue: z.core.$ZodIssueInvalidUnion, value: unknown, secret: boolean): string {
  const branches = issue.errors;
  const rightType = rightTypeBranches(issue);
  if (rightType.length > 0) {
    return unique(
      rightType.flatMap((branch) =>
        branch.map((inner) => {
          const where = inner.path.length > 0 ? `${inner.path.map(String).join(".")}: ` : "";
          return `${where}${issueSentence(inner, valueAt(value, inner.path), secret)}`;
        }),
      ),
    ).join("; or ");
  }
  const expected = unique(
    branches.flatMap((branch) =>
      branch.flatMap((inner) => (isWrongTypeHere(inner) ? [expectedWords(inner)] : [])),
    ),
  );
  return `expected ${expected.join(" or ")}, got ${found(value, secret)}`;
}

/**
 * The alternatives of a failed union whose type the value has (it broke their rules, not their type).
 * When there is one, its issues are the value's problems, each at its own path.
 */
export function rightTypeBranches(issue: z.core.$ZodIssueInvalidUnion): Issue[][] {
  return issue.errors.filter(
    (branch) => branch.length > 0 && !branch.some((inner) => isWrongTypeHere(inner)),
  );
}

function isWrongTypeHere(issue: Issue): boolean {
  return issue.path.length === 0 && (issue.code === "invalid_type" || issue.code === "invalid_value");
}

function expectedWords(issue: Issue): string {
  if (issue.code === "invalid_type") return typeWords(issue.expected);
  if (issue.code === "invalid_value") return issue.values.map((item) => JSON.stringify(item)).join(" or ");
  return "another value";
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
