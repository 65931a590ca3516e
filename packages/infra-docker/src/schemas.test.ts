import { exportBlockSchema } from "@infrablocks/core";
import { describe, expect, it } from "vitest";
import { blockTypes } from "./index.js";

describe("committed schemas", () => {
  it.each(blockTypes.map((blockType) => [blockType.slug, blockType] as const))(
    "schemas/%s.json matches the code",
    async (slug, blockType) => {
      await expect(`${JSON.stringify(exportBlockSchema(blockType), null, 2)}\n`).toMatchFileSnapshot(
        `../schemas/${slug}.json`,
      );
    },
  );
});
