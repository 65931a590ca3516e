import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import * as core from "./index.js";
import * as runtime from "./runtime.js";

// Value imports only: a type import is erased, so it costs nothing at start-up.
const VALUE_IMPORT = /^\s*(?:import|export)\s(?!type\s)[^;]*?\sfrom\s+"([^"]+)"/gm;

/** Every module `file` imports for its values, itself included, with the specifiers they import. */
function importGraph(file: string, seen = new Map<string, string[]>()): Map<string, string[]> {
  if (seen.has(file)) return seen;
  const specifiers = [...readFileSync(file, "utf8").matchAll(VALUE_IMPORT)].map(
    (match) => match[1] as string,
  );
  seen.set(file, specifiers);
  for (const specifier of specifiers) {
    if (specifier.startsWith("./")) importGraph(join(dirname(file), specifier.replace(/\.js$/, ".ts")), seen);
  }
  return seen;
}

describe("@infrablocks/core/runtime", () => {
  it("imports no package (yaml loads on first use), nor a module that imports zod", () => {
    const graph = importGraph(join(import.meta.dirname, "runtime.ts"));
    const packages = new Set([...graph.values()].flat().filter((specifier) => !specifier.startsWith(".")));
    expect([...packages].filter((specifier) => !specifier.startsWith("node:")).sort()).toEqual([]);
    expect([...graph.keys()].map((file) => file.slice(import.meta.dirname.length + 1))).not.toContain(
      "block-type.ts",
    );
  });

  it("holds the same values as the main entry", () => {
    expect({ ...core }).toMatchObject({ ...runtime });
  });
});
