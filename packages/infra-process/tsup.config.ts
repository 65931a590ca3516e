import { defineConfig } from "tsup";
import { commonJsConfig } from "../../tsup.config.base.js";

// The supervisor is a program of its own, started by the runtime with `node dist/supervisor.cjs`.
export default defineConfig({
  ...commonJsConfig,
  entry: ["src/index.ts", "src/check.ts", "src/supervisor.ts"],
});
