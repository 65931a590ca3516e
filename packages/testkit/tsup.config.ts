import { defineConfig } from "tsup";
import { baseConfig } from "../../tsup.config.base.js";

// tsup leaves dependencies and peers (vitest, @infrablocks/core) external, as the suite needs the caller's.
export default defineConfig({ ...baseConfig, entry: ["src/index.ts"] });
