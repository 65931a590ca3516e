import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["@infrablocks/source"] },
  ssr: { resolve: { conditions: ["@infrablocks/source"] } },
  test: { name: "testkit", testTimeout: 30_000 },
});
