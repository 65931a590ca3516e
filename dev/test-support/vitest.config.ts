import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["@infrablocks/source"] },
  ssr: { resolve: { conditions: ["@infrablocks/source"] } },
  test: { name: "test-support", testTimeout: 30_000 },
});
