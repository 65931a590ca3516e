import type { Options } from "tsup";

/** The one place tsup options live; a package's tsup.config.ts only names its entries. */
export const baseConfig: Options = {
  format: ["esm"],
  target: "node20",
  platform: "node",
  dts: { compilerOptions: { customConditions: [] } },
  sourcemap: true,
  clean: true,
  splitting: true,
  treeshake: true,
};
