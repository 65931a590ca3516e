import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { readPlainYaml } from "./plain-yaml.js";

const ROOT = join(import.meta.dirname, "../../..");

/** What the yaml library makes of a text, with document-text.ts's options; `undefined` when it objects. */
function yamlValue(text: string): { value: unknown } | undefined {
  const documents = parseAllDocuments(text, {
    schema: "core",
    customTags: [],
    resolveKnownTags: false,
    uniqueKeys: true,
  });
  if (!Array.isArray(documents) || documents.length !== 1) return undefined;
  const [document] = documents;
  if (document === undefined || document.errors.length > 0 || document.warnings.length > 0) return undefined;
  return { value: document.toJS() };
}

/** A value spelled out with its key order, -0, NaN and the infinities, which toEqual would blur. */
function spelled(value: unknown): string {
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (Array.isArray(value)) return `[${value.map(spelled).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const prototype = Object.getPrototypeOf(value) === Object.prototype ? "" : "!proto";
    return `${prototype}{${Object.entries(value)
      .map(([key, item]) => `${JSON.stringify(key)}:${spelled(item)}`)
      .join(",")}}`;
  }
  return JSON.stringify(value) ?? String(value);
}

// Scalars chosen to sit on every edge of the core schema and of plain-scalar syntax.
const SCALAR_TEXT = fc.constantFrom(
  "debug",
  "hello busybox",
  "python3",
  "-m",
  "--date",
  "2026-11-28",
  "/srv/etl",
  "a:b",
  "http://x:1/y",
  "a#b",
  "a #b",
  "a: b",
  "a:",
  ":a",
  "?a",
  "-",
  "- x",
  "?",
  ":",
  "~",
  "null",
  "Null",
  "NULL",
  "nULL",
  "true",
  "True",
  "TRUE",
  "tRUE",
  "false",
  "yes",
  "no",
  "on",
  "0",
  "-0",
  "+5",
  "007",
  "12345678901234567890",
  "0x1F",
  "0X1F",
  "0o17",
  "0o8",
  "1.5",
  "1.50",
  ".5",
  "5.",
  "-.5",
  "1e3",
  "1E-3",
  ".inf",
  "-.Inf",
  ".NaN",
  "nan",
  "1_000",
  "é",
  "a\u00A0b",
  "a\u00A0",
  "\u00A0a",
  "\u3000",
  "a\u00A0#b",
  "[x]",
  "x[1]",
  "{y}",
  "a,b",
  "&a",
  "*a",
  "!t",
  "|",
  ">",
  "@x",
  "`x",
  "%x",
  "#x",
  "'q'",
  '"d"',
  "it's",
  'say "hi"',
  "a\\b",
  "a  b",
  "",
  " ",
  "a ",
  "x'y",
  'x"y',
);
const KEY_TEXT = fc.constantFrom(
  "type",
  "name",
  "command",
  "env",
  "LOG_LEVEL",
  "$name",
  "$ref",
  "app.kubernetes.io/name",
  "x-y",
  "a_b",
  "constructor",
  "toString",
  "__proto__",
  "<<",
  "true",
  "null",
  "Null",
  "1",
  "-x",
  "a b",
  "a:b",
  "?",
  "k",
);
const COMMENT = fc.constantFrom("", "", "", " # note", " #x", "  # a: b", "#glued");
const SPACES = fc.constantFrom("", "", " ", "  ");

const quotedSingle = (text: string) => `'${text.replaceAll("'", "''")}'`;
const styled = (text: string, style: string) =>
  style === "single"
    ? quotedSingle(text)
    : style === "double"
      ? `"${text}"`
      : style === "json"
        ? JSON.stringify(text)
        : text;
// Double-quoted escapes, those the fast path reads and those it leaves to yaml.
const ESCAPED = fc.constantFrom(
  '"a\\"b"',
  '"a\\\\b"',
  '"a\\/b"',
  '"\\n\\t\\r\\b\\f"',
  '"\\u00e9\\u0041"',
  '"\\uD83D\\uDE00"',
  '"\\u12"',
  '"\\x41"',
  '"\\N"',
  '"\\q"',
  '"\\ "',
  '"\\0"',
  '"\\"',
  '"a\\\\"',
);
const QUOTING = fc.constantFrom("plain", "plain", "single", "double", "json");
const scalar = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(SCALAR_TEXT, QUOTING).map(([text, style]) => styled(text, style)) },
  ESCAPED,
);
const key = fc.tuple(KEY_TEXT, QUOTING).map(([text, style]) => styled(text, style));
const flow = fc
  .tuple(fc.array(scalar, { maxLength: 4 }), fc.constantFrom(", ", ",", " , "), SPACES)
  .map(([items, separator, pad]) => `[${pad}${items.join(separator)}${pad}]`);
const inline = fc.oneof(
  { weight: 6, arbitrary: scalar },
  { weight: 2, arbitrary: flow },
  fc.constantFrom("{}", "[]", "{ }"),
);

type Node =
  | { kind: "inline"; text: string }
  | { kind: "map"; entries: [string, Node][] }
  | { kind: "seq"; items: Node[] };

const { node } = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    inline.map((text): Node => ({ kind: "inline", text })),
    fc
      .array(fc.tuple(key, tie("node")), { minLength: 1, maxLength: 4 })
      .map((entries): Node => ({ kind: "map", entries })),
    fc.array(tie("node"), { minLength: 1, maxLength: 3 }).map((items): Node => ({ kind: "seq", items })),
  ),
}));

interface Style {
  step: number;
  sequenceUnderKey: boolean;
  compact: boolean;
  comments: string[];
}

/** Block-style text for a node at `indent`; the first line is what follows a key or a dash. */
function render(value: Node, indent: number, style: Style, lines: string[], lead: string): void {
  const comment = () => style.comments[lines.length % style.comments.length] ?? "";
  if (value.kind === "inline") {
    lines.push(`${lead}${value.text}${comment()}`);
    return;
  }
  const pad = " ".repeat(indent);
  if (value.kind === "map") {
    value.entries.forEach(([name, item], index) => {
      const start = index === 0 && lead !== "" ? lead : pad;
      if (item.kind === "inline") {
        render(item, indent, style, lines, `${start}${name}: `);
      } else {
        lines.push(`${start}${name}:${comment()}`);
        const inner = item.kind === "seq" && style.sequenceUnderKey ? indent : indent + style.step;
        render(item, inner, style, lines, "");
      }
    });
    return;
  }
  value.items.forEach((item, index) => {
    const start = index === 0 && lead !== "" ? lead : pad;
    if (item.kind === "inline") {
      render(item, indent, style, lines, `${start}- `);
    } else if (item.kind === "map" && style.compact) {
      render(item, indent + 2, style, lines, `${start}- `);
    } else {
      lines.push(`${start}-${comment()}`);
      render(item, indent + style.step, style, lines, "");
    }
  });
}

const style = fc.record({
  step: fc.integer({ min: 1, max: 4 }),
  sequenceUnderKey: fc.boolean(),
  compact: fc.boolean(),
  comments: fc.array(COMMENT, { minLength: 1, maxLength: 4 }),
});

const document = fc.tuple(node, style).map(([value, chosen]) => {
  const lines: string[] = [];
  // A top-level inline value is a lone scalar: wrap it, as documents are mappings.
  const top: Node = value.kind === "inline" ? { kind: "map", entries: [["type", value]] } : value;
  render(top, 0, chosen, lines, "");
  return `${lines.join("\n")}\n`;
});

const EDIT_CHARS = " :-#'\"[]{},\na\t&*!|>?%\\0.\u00A0";
const mutated = fc
  .tuple(
    document,
    fc.array(fc.tuple(fc.nat(), fc.nat(EDIT_CHARS.length - 1), fc.constantFrom("insert", "delete", "line")), {
      minLength: 1,
      maxLength: 3,
    }),
  )
  .map(([text, edits]) => {
    let result = text;
    for (const [at, char, kind] of edits) {
      const position = at % (result.length + 1);
      if (kind === "insert") result = result.slice(0, position) + EDIT_CHARS[char] + result.slice(position);
      else if (kind === "delete") result = result.slice(0, position) + result.slice(position + 1);
      else {
        const lines = result.split("\n");
        const line = position % lines.length;
        lines.splice(line, 0, lines[line] as string);
        result = lines.join("\n");
      }
    }
    return result;
  });

function assertAgrees(text: string): boolean {
  const fast = readPlainYaml(text, 64);
  if (fast === undefined) return false;
  const slow = yamlValue(text);
  expect(slow, `yaml rejects a text the fast path read:\n${text}`).toBeDefined();
  expect(spelled(fast), text).toBe(spelled(slow?.value));
  return true;
}

describe("readPlainYaml", () => {
  it("reads what the yaml library reads, wherever it does not decline (generated documents)", () => {
    let read = 0;
    let runs = 0;
    fc.assert(
      fc.property(document, (text) => {
        runs++;
        if (assertAgrees(text)) read++;
      }),
      { numRuns: 3000 },
    );
    // The subset must be most documents, or the fast path would be a test of nothing.
    expect(read / runs).toBeGreaterThan(0.25);
  });

  it("reads what the yaml library reads after random edits, or declines", () => {
    fc.assert(
      fc.property(mutated, (text) => {
        assertAgrees(text);
      }),
      { numRuns: 10000 },
    );
  });

  it("reads the repository's example and bench documents, as yaml does", () => {
    const files = [
      "examples/hello-process.yaml",
      "examples/docker-busybox.yaml",
      "examples/docker-registry-local.yaml",
      "examples/kubernetes-busybox.yaml",
      "bench/fixtures/validate.yaml",
      "bench/fixtures/true.yaml",
      "bench/fixtures/docker.yaml",
      "packages/cli/test/fixtures/prefect/kubernetes-cluster-config.yaml",
    ];
    for (const file of files) {
      expect(assertAgrees(readFileSync(join(ROOT, file), "utf8")), file).toBe(true);
    }
  });

  it("reads the YAML files of the installed packages (a corpus written by others) as yaml does", () => {
    const files = readdirSync(join(ROOT, "node_modules/.pnpm"), { recursive: true, encoding: "utf8" }).filter(
      (file) => /\.ya?ml$/.test(file),
    );
    let read = 0;
    for (const file of files) {
      let text: string;
      try {
        text = readFileSync(join(ROOT, "node_modules/.pnpm", file), "utf8");
      } catch {
        continue; // a folder named like a file, or a dangling link
      }
      if (assertAgrees(text)) read++;
    }
    // The lockfile's packages hold about 80 such files (workflows, configs), most of them plain.
    expect(read).toBeGreaterThan(20);
  });

  it("reads a kubeconfig as kubectl writes it", () => {
    const kubeconfig = [
      "apiVersion: v1",
      "clusters:",
      "- cluster:",
      "    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM=",
      "    server: https://127.0.0.1:6443",
      "  name: kind-kind",
      "contexts:",
      "- context:",
      "    cluster: kind-kind",
      "    user: kind-kind",
      "  name: kind-kind",
      "current-context: kind-kind",
      "kind: Config",
      "preferences: {}",
      "users:",
      "- name: kind-kind",
      "  user:",
      "    token: abc.def",
      "",
    ].join("\n");
    expect(assertAgrees(kubeconfig)).toBe(true);
  });

  it("leaves to yaml a key over YAML's 1,024 characters, and nesting past the bound by any path", () => {
    for (const key of ["K".repeat(1025), `"${"k".repeat(1023)}"`]) {
      expect(readPlainYaml(`${key}: x\n`, 64)).toBeUndefined();
      expect(readPlainYaml(`a:\n- ${key}: 1\n`, 64)).toBeUndefined();
    }
    expect(readPlainYaml(`${"K".repeat(1024)}: x\n`, 64)).toEqual({ ["K".repeat(1024)]: "x" });
    // Same-indent lists and `- key:` items nest too; a flow leaf is a level of its own.
    const sameIndent = (levels: number) =>
      Array.from({ length: levels }, (_, level) => `${"  ".repeat(level)}- k:`).join("\n");
    expect(readPlainYaml(`k:\n${sameIndent(40)} [x]\n`, 64)).toBeUndefined();
    expect(readPlainYaml("a:\n  b: [x]\n", 2)).toBeUndefined();
    expect(readPlainYaml("a:\n  b: [x]\n", 3)).toEqual({ a: { b: ["x"] } });
    // Deep enough to overflow the stack without a bound: declined, not thrown.
    expect(readPlainYaml(`k:\n${sameIndent(3000)} [x]\n`, Number.POSITIVE_INFINITY)).toBeUndefined();
  });

  it.each([
    ["a block scalar", "script: |\n  echo hi\n"],
    ["an anchor", "a: &x 1\nb: *x\n"],
    ["a tag", "a: !!str 1\n"],
    ["a document marker", "---\na: 1\n"],
    ["a tab", "a:\t1\n"],
    ["a duplicate key", "a: 1\na: 2\n"],
    ["a continued plain scalar", "a: one\n  two\n"],
    ["an escape JSON lacks", 'a: "x\\x41"\n'],
    ["a flow mapping", "a: {b: 1}\n"],
    ["Windows line ends", "a: 1\r\nb: 2\r\n"],
    ["nesting past the bound", "a:\n b:\n  c: 1\n"],
  ])("leaves %s to the yaml library", (_what, text) => {
    expect(readPlainYaml(text, 2)).toBeUndefined();
  });
});
