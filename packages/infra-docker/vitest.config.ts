import { configDefaults, defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["@infrablocks/source"] },
  ssr: { resolve: { conditions: ["@infrablocks/source"] } },
  // test/serial restarts the Docker daemon: it runs alone, through vitest.serial.config.ts.
  test: { name: "infra-docker", testTimeout: 30_000, exclude: [...configDefaults.exclude, "test/serial/**"] },
});
