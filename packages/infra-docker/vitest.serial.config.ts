import { defineConfig } from "vitest/config";

/** Suites that disturb shared services (they restart dockerd): `pnpm test:serial`, never beside others. */
export default defineConfig({
  resolve: { conditions: ["@infrablocks/source"] },
  ssr: { resolve: { conditions: ["@infrablocks/source"] } },
  test: { include: ["test/serial/**/*.test.ts"], fileParallelism: false, testTimeout: 150_000 },
});
