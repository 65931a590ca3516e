// The yaml library is 210 KB, and its first parse compiles its lexer, parser and composer as they run:
// about 10 ms of every `validate`, `preview` and `run` (BENCHMARKS.md). Most block documents are plain
// YAML: block mappings and sequences of one-line scalars, flow sequences of them, comments. This module
// reads exactly that subset and declines (returns `undefined`) on anything else, which the yaml library
// then reads, errors and all. Where it returns a value, it is the value yaml's core schema gives
// (plain-yaml.test.ts holds the two equal on generated and mutated texts).

interface Line {
  indent: number;
  content: string;
}

/** Thrown inside the reader when the text leaves the subset; never escapes it. */
const DECLINE = Symbol("decline");

// Characters outside printable ASCII and the common Unicode planes (tabs, carriage returns, controls,
// the line and paragraph separators, a byte order mark, surrogates) are left to the yaml library.
const OUTSIDE_SUBSET = /[^\n\x20-\x7E\u00A0-\u2027\u202A-\uD7FF\uE000-\uFEFE\uFF00-\uFFFD]/;
const PLAIN_KEY = /^([A-Za-z_$][A-Za-z0-9_$./-]*):(?: |$)/;
// Plain keys the core schema reads as something other than the string they spell.
const NON_STRING_KEY = /^(?:[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const SEQUENCE_ITEM = /^-(?: |$)/;
// The core schema's plain scalars, as the yaml library resolves them (its schema/core tags).
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const TRUE = /^(?:[Tt]rue|TRUE)$/;
const FALSE = /^(?:[Ff]alse|FALSE)$/;
const INT = /^[-+]?[0-9]+$/;
const INT_OCTAL = /^0o[0-7]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_SPECIAL = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
// A plain scalar may not start with an indicator; `-`, `?` and `:` only when a space or the end follows.
const INDICATOR_START = /^(?:[-?:](?:[ ,\]]|$)|[[\]{},#&*!|>'"%@`])/;

/**
 * The value of a plain-YAML text, or `undefined` when the text is outside the subset (or nested deeper
 * than `maxDepth`, for the yaml path to report).
 */
export function readPlainYaml(text: string, maxDepth: number): unknown {
  if (OUTSIDE_SUBSET.test(text)) return undefined;
  const lines: Line[] = [];
  for (const raw of text.split("\n")) {
    // Directives and document markers (`%YAML`, `---`, `...`) belong to streams: the yaml library reads them.
    if (raw.startsWith("%") || raw.startsWith("---") || raw.startsWith("...")) return undefined;
    const content = spacesOff(raw, LEADING);
    if (content === "" || content.startsWith("#")) continue;
    lines.push({ indent: raw.length - content.length, content: spacesOff(content, TRAILING) });
  }
  if (lines.length === 0 || (lines[0] as Line).indent !== 0) return undefined;
  try {
    const reader = new PlainReader(lines, maxDepth);
    const value = reader.node(0, 1);
    return reader.at === lines.length ? value : undefined;
  } catch (error) {
    // A RangeError: nesting too deep for the stack, which the yaml path reports as such.
    if (error === DECLINE || error instanceof RangeError) return undefined;
    throw error;
  }
}

/** YAML's bound on an implicit key: longer ones are errors, for the yaml path to word. */
const MAX_KEY_LENGTH = 1024;

class PlainReader {
  at = 0;

  constructor(
    private readonly lines: Line[],
    private readonly maxDepth: number,
  ) {}

  /** The block mapping or sequence that starts at the current line. */
  node(indent: number, depth: number): unknown {
    if (depth > this.maxDepth) throw DECLINE;
    const line = this.lines[this.at] as Line;
    if (SEQUENCE_ITEM.test(line.content)) return this.sequence(indent, depth);
    return this.mapping(indent, depth);
  }

  private mapping(indent: number, depth: number): Record<string, unknown> {
    if (depth > this.maxDepth) throw DECLINE;
    const mapping: Record<string, unknown> = {};
    let line = this.lines[this.at];
    while (line !== undefined && line.indent === indent) {
      if (SEQUENCE_ITEM.test(line.content)) throw DECLINE;
      const [key, rest] = splitKey(line.content);
      if (Object.hasOwn(mapping, key)) throw DECLINE; // the yaml path words the duplicate
      this.at++;
      if (rest === "") {
        const next = this.lines[this.at];
        if (next !== undefined && next.indent > indent) mapping[key] = this.node(next.indent, depth + 1);
        else if (next !== undefined && next.indent === indent && SEQUENCE_ITEM.test(next.content))
          mapping[key] = this.sequence(indent, depth + 1);
        else mapping[key] = null;
      } else {
        mapping[key] = this.inline(rest, depth);
      }
      line = this.lines[this.at];
    }
    // A line indented deeper than the keys, after a value: a continued scalar, or an error.
    if (line !== undefined && line.indent > indent) throw DECLINE;
    return mapping;
  }

  private sequence(indent: number, depth: number): unknown[] {
    if (depth > this.maxDepth) throw DECLINE;
    const sequence: unknown[] = [];
    let line = this.lines[this.at];
    while (line !== undefined && line.indent === indent && SEQUENCE_ITEM.test(line.content)) {
      const rest = spacesOff(line.content.slice(1), LEADING);
      if (rest === "" || rest.startsWith("#")) {
        this.at++;
        const next = this.lines[this.at];
        sequence.push(next !== undefined && next.indent > indent ? this.node(next.indent, depth + 1) : null);
      } else if (SEQUENCE_ITEM.test(rest)) {
        throw DECLINE; // `- - x`
      } else if (isKeyLine(rest)) {
        // `- key: value`: a mapping whose keys line up with the first one.
        const column = indent + line.content.length - rest.length;
        this.lines[this.at] = { indent: column, content: rest };
        sequence.push(this.mapping(column, depth + 1));
      } else {
        this.at++;
        sequence.push(this.inline(rest, depth));
      }
      line = this.lines[this.at];
    }
    if (line !== undefined && line.indent > indent) throw DECLINE;
    return sequence;
  }

  /** A value on its key's or dash's line; a flow collection is one level deeper than its parent. */
  private inline(text: string, depth: number): unknown {
    if ((text.startsWith("[") || text.startsWith("{")) && depth + 1 > this.maxDepth) throw DECLINE;
    return inlineValue(text);
  }
}

/** Whether a line starts with a key: a plain one, or a quoted one with a colon after it. */
function isKeyLine(content: string): boolean {
  if (PLAIN_KEY.test(content)) return true;
  if (!content.startsWith('"') && !content.startsWith("'")) return false;
  try {
    const end = quotedScalar(content)[1];
    return content[end] === ":";
  } catch (error) {
    if (error === DECLINE) return false;
    throw error;
  }
}

/** A mapping line's key and what follows its colon (comment removed). */
function splitKey(content: string): [string, string] {
  let key: string;
  let after: string;
  const plain = PLAIN_KEY.exec(content);
  if (plain) {
    key = plain[1] as string;
    if (NON_STRING_KEY.test(key)) throw DECLINE;
    after = content.slice(key.length + 1);
  } else if (content.startsWith('"') || content.startsWith("'")) {
    const [quoted, end] = quotedScalar(content);
    if (content[end] !== ":" || (end + 1 < content.length && content[end + 1] !== " ")) throw DECLINE;
    key = quoted;
    after = content.slice(end + 1);
  } else {
    throw DECLINE;
  }
  if (key === "__proto__" || key === "<<" || content.indexOf(":") > MAX_KEY_LENGTH) throw DECLINE;
  const rest = spacesOff(after, LEADING);
  return [key, rest.startsWith("#") ? "" : rest];
}

/** A value written on its key's (or its dash's) line: a quoted or plain scalar, or a flow sequence. */
function inlineValue(text: string): unknown {
  const first = text[0];
  if (first === '"' || first === "'") {
    const [value, end] = quotedScalar(text);
    assertOnlyComment(text.slice(end));
    return value;
  }
  if (first === "[") return flowSequence(text);
  if (first === "{") {
    const close = text.indexOf("}");
    if (close === -1 || !/^ *$/.test(text.slice(1, close))) throw DECLINE;
    assertOnlyComment(text.slice(close + 1));
    return {};
  }
  const comment = text.indexOf(" #");
  const plain = comment === -1 ? text : spacesOff(text.slice(0, comment), TRAILING);
  // `a: b` or a trailing colon would make a mapping on the same line: an error, for yaml to word.
  if (plain.includes(": ") || plain.endsWith(":")) throw DECLINE;
  return plainScalar(plain);
}

/** `[a, "b", 3]` on one line: scalars only. */
function flowSequence(text: string): unknown[] {
  const items: unknown[] = [];
  let index = 1;
  for (;;) {
    while (text[index] === " ") index++;
    const char = text[index];
    if (char === undefined) throw DECLINE;
    if (char === "]" && items.length === 0) {
      index++;
      break;
    }
    if (char === '"' || char === "'") {
      const [value, end] = quotedScalar(text.slice(index));
      items.push(value);
      index += end;
    } else {
      let end = index;
      while (end < text.length && !",[]{}".includes(text[end] as string)) end++;
      const item = spacesOff(text.slice(index, end), TRAILING);
      if (item === "" || item.includes(" #") || item.includes(": ") || item.endsWith(":")) throw DECLINE;
      items.push(plainScalar(item));
      index = end;
    }
    while (text[index] === " ") index++;
    if (text[index] === "]") {
      index++;
      break;
    }
    if (text[index] !== ",") throw DECLINE;
    index++;
    // A trailing comma, or an empty entry: the yaml library has its own view of those.
    while (text[index] === " ") index++;
    if (text[index] === "]" || text[index] === ",") throw DECLINE;
  }
  assertOnlyComment(text.slice(index));
  return items;
}

/** A one-line quoted scalar at the start of `text`, and the index just past its closing quote. */
function quotedScalar(text: string): [string, number] {
  const quote = text[0] as string;
  if (quote === '"') return doubleQuoted(text);
  let value = "";
  let index = 1;
  for (;;) {
    const close = text.indexOf("'", index);
    if (close === -1) throw DECLINE;
    value += text.slice(index, close);
    if (text[close + 1] !== "'") return [value, close + 1];
    value += "'";
    index = close + 2;
  }
}

// The escapes JSON shares with YAML; the yaml library reads the others (`\x41`, `\N`, a line break...).
const ESCAPES: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

function doubleQuoted(text: string): [string, number] {
  let value = "";
  let index = 1;
  for (;;) {
    const close = text.indexOf('"', index);
    const backslash = text.indexOf("\\", index);
    if (close === -1) throw DECLINE;
    if (backslash === -1 || backslash > close) return [value + text.slice(index, close), close + 1];
    value += text.slice(index, backslash);
    const code = text[backslash + 1] as string;
    if (code === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(backslash + 2, backslash + 6))) {
      value += String.fromCharCode(Number.parseInt(text.slice(backslash + 2, backslash + 6), 16));
      index = backslash + 6;
    } else {
      const escaped = ESCAPES[code];
      if (escaped === undefined) throw DECLINE;
      value += escaped;
      index = backslash + 2;
    }
  }
}

/** After a quoted scalar or a flow collection: nothing, or a comment after a space. */
function assertOnlyComment(rest: string): void {
  if (rest === "") return;
  const trimmed = spacesOff(rest, LEADING);
  if (trimmed === "" || (trimmed.startsWith("#") && trimmed.length < rest.length)) return;
  throw DECLINE;
}

// YAML's white space is the space (and the tab, outside the subset); String#trim would also take the
// no-break and other Unicode spaces, which are content.
const LEADING = /^ +/;
const TRAILING = / +$/;

function spacesOff(text: string, where: RegExp): string {
  return text.replace(where, "");
}

/** What the core schema makes of a plain scalar. */
function plainScalar(text: string): unknown {
  if (INDICATOR_START.test(text)) throw DECLINE;
  if (NULL.test(text)) return null;
  if (TRUE.test(text)) return true;
  if (FALSE.test(text)) return false;
  if (INT_OCTAL.test(text)) return Number.parseInt(text.slice(2), 8);
  if (INT.test(text)) return Number.parseInt(text, 10);
  if (INT_HEX.test(text)) return Number.parseInt(text.slice(2), 16);
  if (FLOAT_SPECIAL.test(text)) {
    if (text.slice(-3).toLowerCase() === "nan") return Number.NaN;
    return text.startsWith("-") ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (FLOAT.test(text)) return Number.parseFloat(text);
  return text;
}
