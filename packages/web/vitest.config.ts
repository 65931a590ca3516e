import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["@infrablocks/source"] },
  ssr: { resolve: { conditions: ["@infrablocks/source"] } },
  // The browser test starts the built CLI and Chromium: allow for a slow first launch.
  test: { name: "web", testTimeout: 120_000, hookTimeout: 120_000 },
});
