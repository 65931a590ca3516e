import { cpSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { defineConfig } from "tsup";
import { commonJsConfig } from "../../tsup.config.base.js";

// The form page ships inside the CLI's package (dist/web), so `infrablocks ui` works after installing the
// CLI alone: @infrablocks/web is private, a build-time dependency only.
const webDist = join(
  dirname(createRequire(import.meta.url).resolve("@infrablocks/web/package.json")),
  "dist",
);

export default defineConfig({
  ...commonJsConfig,
  // compile-cache is loaded before the rest, so that the rest is compiled through it; esm-import is an
  // entry so that its import() has a file of its own (esm-import.ts).
  entry: ["src/index.ts", "src/compile-cache.ts", "src/esm-import.ts"],
  // commander is bundled so that its help reads one file.
  noExternal: ["commander"],
  async onSuccess() {
    if (!existsSync(join(webDist, "index.html"))) {
      throw new Error(`No built form page at ${webDist}: build @infrablocks/web first (pnpm build does).`);
    }
    cpSync(webDist, "dist/web", { recursive: true });
  },
});
