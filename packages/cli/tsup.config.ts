import { defineConfig } from "tsup";
import { baseConfig } from "../../tsup.config.base.js";

export default defineConfig({
  ...baseConfig,
  entry: ["src/index.ts"],
  // commander is bundled so start-up reads one file; it is CommonJS, so the bundle gets a `require`.
  noExternal: ["commander"],
  banner: {
    js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);',
  },
});
