import { badRequest } from "./status.js";
import type { KubeObject } from "./types.js";

type Requirement =
  | { op: "exists" | "notExists"; key: string }
  | { op: "in" | "notIn"; key: string; values: string[] };

export type Selector = (object: KubeObject) => boolean;

const matchAll: Selector = () => true;

/** Splits on commas that are not inside a `( … )` value set. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "," && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== "");
}

function parseRequirement(text: string): Requirement {
  const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(text);
  if (set) {
    const [, key = "", op, values = ""] = set;
    return { op: op === "in" ? "in" : "notIn", key, values: values.split(",").map((v) => v.trim()) };
  }
  const compare = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(text);
  if (compare) {
    const [, key = "", op, value = ""] = compare;
    return { op: op === "!=" ? "notIn" : "in", key, values: [value] };
  }
  if (/^!\s*\S+$/.test(text)) return { op: "notExists", key: text.slice(1).trim() };
  if (/^\S+$/.test(text)) return { op: "exists", key: text };
  throw badRequest(`unable to parse requirement: ${text}`);
}

function requirementMatches(req: Requirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, req.key);
  switch (req.op) {
    case "exists":
      return has;
    case "notExists":
      return !has;
    case "in":
      return has && req.values.includes(labels[req.key] ?? "");
    case "notIn":
      return !has || !req.values.includes(labels[req.key] ?? "");
  }
}

/** A `labelSelector` query value as a predicate; throws a 400 Status when it cannot be parsed. */
export function parseLabelSelector(text: string | null): Selector {
  if (!text) return matchAll;
  const requirements = splitTopLevel(text).map(parseRequirement);
  return (object) => {
    const labels = object.metadata.labels ?? {};
    return requirements.every((r) => requirementMatches(r, labels));
  };
}

const FIELDS: Record<string, (object: KubeObject) => string> = {
  "metadata.name": (o) => o.metadata.name,
  "metadata.namespace": (o) => o.metadata.namespace ?? "",
};

/** A `fieldSelector` query value; only the fields every resource supports are known here. */
export function parseFieldSelector(text: string | null): Selector {
  if (!text) return matchAll;
  const tests = splitTopLevel(text).map((part) => {
    const m = /^([^!=\s]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    const [, field = "", op, value = ""] = m;
    const read = FIELDS[field];
    if (!read) throw badRequest(`field label not supported: ${field}`);
    return (o: KubeObject) => (read(o) === value) === (op !== "!=");
  });
  return (object) => tests.every((t) => t(object));
}

export function bothSelectors(a: Selector, b: Selector): Selector {
  return (object) => a(object) && b(object);
}
