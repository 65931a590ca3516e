import { processBlockType } from "./process-block.js";

export { type ProcessBlock, type ProcessBlockInput, processBlockType } from "./process-block.js";

/** The block types this package defines, for registries. */
export const blockTypes = [processBlockType] as const;
