import { processBlockType } from "./process-block.js";

export { type ProcessBlock, processBlockType } from "./process-block.js";

/** The block types this package defines, for registries. */
export const blockTypes = [processBlockType] as const;
