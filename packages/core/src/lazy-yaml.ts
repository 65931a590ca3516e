import { createRequire } from "node:module";

type YamlLibrary = typeof import("./yaml-library.js");

let library: YamlLibrary | undefined;

/**
 * The yaml library, loaded on first use: its 210 KB are a tenth of a `validate`'s start-up, and most
 * documents are read without it (plain-yaml.ts). Loaded synchronously, as documents are read.
 */
export function yamlLibrary(): YamlLibrary {
  if (!library) {
    // From the build, the bundled copy beside this file; from the sources (tests), the package itself.
    const path = import.meta.url.endsWith(".ts") ? "yaml" : "./yaml-library.cjs";
    library = createRequire(import.meta.url)(path) as YamlLibrary;
  }
  return library;
}

/** yaml's `parse`. */
export const parseYaml = ((...args: unknown[]) =>
  (yamlLibrary().parse as (...passed: unknown[]) => unknown)(...args)) as YamlLibrary["parse"];

/** yaml's `stringify`. */
export const stringifyYaml = ((...args: unknown[]) =>
  (yamlLibrary().stringify as (...passed: unknown[]) => string)(...args)) as YamlLibrary["stringify"];
