import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import * as browser from "./browser.js";
import * as core from "./index.js";

// Type imports included: the entry's declarations (dist/browser.d.ts) must need nothing else either.
const IMPORT = /^\s*(?:import|export)\s[^;]*?\sfrom\s+"([^"]+)"/gm;

/** Every module `file` imports, itself included, with the specifiers they import. */
function importGraph(file: string, seen = new Map<string, string[]>()): Map<string, string[]> {
  if (seen.has(file)) return seen;
  const specifiers = [...readFileSync(file, "utf8").matchAll(IMPORT)].map((match) => match[1] as string);
  seen.set(file, specifiers);
  for (const specifier of specifiers) {
    if (specifier.startsWith("./")) importGraph(join(dirname(file), specifier.replace(/\.js$/, ".ts")), seen);
  }
  return seen;
}

describe("@infrablocks/core/browser", () => {
  it("imports only core's own modules, none of which imports Node or a package, not even for types", () => {
    const graph = importGraph(join(import.meta.dirname, "browser.ts"));
    const outside = [...graph].flatMap(([file, specifiers]) =>
      specifiers
        .filter((specifier) => !specifier.startsWith("./"))
        .map((specifier) => `${file}: ${specifier}`),
    );
    expect(outside).toEqual([]);
    expect([...graph.keys()].map((file) => file.slice(import.meta.dirname.length + 1)).sort()).toEqual([
      "block-json-schema.ts",
      "browser.ts",
      "errors.ts",
      "mask.ts",
      "names.ts",
      "nul-byte.ts",
      "slugify.ts",
      "ui-hints.ts",
    ]);
  });

  it("holds the same values as the main entry", () => {
    expect({ ...core }).toMatchObject({ ...browser });
  });
});
