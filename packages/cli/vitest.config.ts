import { defineProject } from "vitest/config";

export default defineProject({
  resolve: {
    conditions: ["@infrablocks/source"],
    // vitest's loader cannot run the built drivers' CommonJS entries, which the driver discovery finds in
    // their manifests; it imports their sources instead (the CLI's integration tests run the builds).
    alias: [
      {
        find: /^(?:file:\/\/)?(.*\/(?:packages|@infrablocks)\/[\w-]+)\/dist\/([\w-]+)\.cjs$/,
        replacement: "$1/src/$2.ts",
      },
    ],
  },
  ssr: { resolve: { conditions: ["@infrablocks/source"] } },
  test: { name: "cli", testTimeout: 30_000 },
});
