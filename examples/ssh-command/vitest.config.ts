import { defineProject } from "vitest/config";

export default defineProject({
  // In this monorepo, @infrablocks/core resolves to its TypeScript sources; a driver in its own
  // repository drops these two lines and tests against the published core.
  resolve: { conditions: ["@infrablocks/source"] },
  ssr: { resolve: { conditions: ["@infrablocks/source"] } },
  test: { name: "ssh-command", testTimeout: 60_000 },
});
