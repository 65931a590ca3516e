import type { Options } from "tsup";

/** The one place tsup options live; a package's tsup.config.ts only names its entries. */
export const baseConfig: Options = {
  format: ["esm"],
  target: "node20",
  platform: "node",
  dts: { compilerOptions: { customConditions: [] } },
  sourcemap: true,
  clean: true,
  splitting: true,
  treeshake: true,
};

/**
 * For the packages the CLI loads at start-up (core, the drivers, the CLI): CommonJS, which Node 20 loads
 * faster than ES modules (BENCHMARKS.md). One format only, so that every importer, `import` or `require`,
 * shares one copy of core's module state. Lazy `import()`s become `require`s, still loaded only when reached.
 */
export const commonJsConfig: Options = {
  ...baseConfig,
  format: ["cjs"],
  // `import.meta.url` in the sources, as `__filename` in the build.
  shims: true,
  esbuildOptions(options) {
    options.supported = { ...options.supported, "dynamic-import": false };
  },
};
