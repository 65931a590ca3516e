import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { defineConfig } from "tsup";
import { baseConfig } from "../../tsup.config.base.js";

const yamlFolder = dirname(createRequire(import.meta.url).resolve("yaml/package.json"));

export default defineConfig({
  ...baseConfig,
  entry: ["src/index.ts"],
  // zod and yaml ship as ~150 small modules; bundled, they load as one file, which cuts the CLI's
  // start-up. Drivers take zod from core (`import { z } from "@infrablocks/core"`), so there is one copy.
  noExternal: ["zod", "yaml"],
  esbuildOptions(options) {
    // yaml's Node entry is CommonJS, which esbuild cannot bundle into ESM; its ESM build is the same code.
    options.alias = { yaml: join(yamlFolder, "browser/index.js") };
  },
});
