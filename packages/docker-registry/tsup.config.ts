import { defineConfig } from "tsup";
import { commonJsConfig } from "../../tsup.config.base.js";

export default defineConfig({ ...commonJsConfig, entry: ["src/index.ts", "src/runtime.ts", "src/check.ts"] });
