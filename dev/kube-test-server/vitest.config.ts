import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["@infrablocks/source"] },
  ssr: { resolve: { conditions: ["@infrablocks/source"] } },
  test: { name: "kube-test-server", testTimeout: 30_000 },
});
