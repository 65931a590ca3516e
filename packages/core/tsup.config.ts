import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { defineConfig } from "tsup";
import { baseConfig, commonJsConfig } from "../../tsup.config.base.js";

const resolvePackage = createRequire(import.meta.url).resolve;
const yamlFolder = dirname(resolvePackage("yaml/package.json"));
const zodLocales = join(dirname(resolvePackage("zod/package.json")), "v4/locales");

export default defineConfig([
  {
    ...commonJsConfig,
    // yaml-library: the yaml library in a file of its own, loaded only when a document needs it (lazy-yaml.ts).
    entry: ["src/index.ts", "src/runtime.ts", "src/registry-entry.ts", "src/yaml-library.ts"],
    // The browser's entry is built apart, into dist/browser (below).
    clean: ["!browser/**"],
    // zod and yaml ship as ~150 small modules; bundled, they load as one file, which cuts the CLI's
    // start-up. Drivers take zod from core (`import { z } from "@infrablocks/core"`), so there is one copy.
    noExternal: ["zod", "yaml"],
    esbuildOptions(options, context) {
      commonJsConfig.esbuildOptions?.(options, context);
      // yaml's ES module build, which esbuild tree-shakes (its CommonJS Node entry would come whole).
      options.alias = { yaml: join(yamlFolder, "browser/index.js") };
    },
    esbuildPlugins: [
      {
        // zod's `z.locales` re-exports ~60 translations (a third of the bundle, compiled on every start);
        // infrablocks speaks English only, so `z.locales` holds just `en`.
        name: "zod-english-only",
        setup(build) {
          build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
            args.importer.startsWith(join(zodLocales, ".."))
              ? { path: "en", namespace: "zod-locales" }
              : undefined,
          );
          build.onLoad({ filter: /.*/, namespace: "zod-locales" }, () => ({
            contents: `export { default as en } from ${JSON.stringify(join(zodLocales, "en.js"))};`,
            resolveDir: zodLocales,
          }));
        },
      },
    ],
  },
  // The browser's entry, an ES module for bundlers; it imports nothing outside core (browser.test.ts).
  { ...baseConfig, entry: ["src/browser.ts"], outDir: "dist/browser" },
]);
