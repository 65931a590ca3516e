import { defineConfig } from "vitest/config";

export default defineConfig({
  // Workspace packages resolve to their TypeScript sources, so unit tests need no build.
  resolve: { conditions: ["@infrablocks/source"] },
  ssr: { resolve: { conditions: ["@infrablocks/source"] } },
  test: {
    projects: ["packages/*", "dev/*", "examples/ssh-command"],
  },
});
