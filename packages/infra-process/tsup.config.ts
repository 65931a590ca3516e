import { defineConfig } from "tsup";
import { baseConfig } from "../../tsup.config.base.js";

// The supervisor is a program of its own, started by the runtime with `node dist/supervisor.js`.
export default defineConfig({ ...baseConfig, entry: ["src/index.ts", "src/check.ts", "src/supervisor.ts"] });
