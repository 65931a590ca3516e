import { cpSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { defineConfig } from "tsup";
import { baseConfig } from "../../tsup.config.base.js";

// The form page ships inside the CLI's package (dist/web), so `infrablocks ui` works after installing the
// CLI alone: @infrablocks/web is private, a build-time dependency only.
const webDist = join(
  dirname(createRequire(import.meta.url).resolve("@infrablocks/web/package.json")),
  "dist",
);

export default defineConfig({
  ...baseConfig,
  entry: ["src/index.ts"],
  // commander is bundled so start-up reads one file; it is CommonJS, so the bundle gets a `require`.
  noExternal: ["commander"],
  banner: {
    js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);',
  },
  async onSuccess() {
    if (!existsSync(join(webDist, "index.html"))) {
      throw new Error(`No built form page at ${webDist}: build @infrablocks/web first (pnpm build does).`);
    }
    cpSync(webDist, "dist/web", { recursive: true });
  },
});
