// The `infrablocks.check` entry: what checking a `process` document takes, without evaluating the
// block type's zod schema (process-block.ts). A CLI test keeps it equal to blockChecker(processBlockType).
import type { DocumentChecker, Infrastructure } from "@infrablocks/core/runtime";
import packageJson from "../package.json" with { type: "json" };
import type { ProcessBlock } from "./process-block.js";
import validate, { schemaFacts } from "./validators/process.js";

export const processChecker: DocumentChecker<ProcessBlock> = {
  ...schemaFacts,
  package: packageJson.name,
  nestedBlocks: {},
  exact: true,
  validate,
  loadInfrastructure: async (): Promise<Infrastructure<ProcessBlock>> =>
    (await import("./process-runtime.js")).processInfrastructure,
  loadBlockType: async () => (await import("./process-block.js")).processBlockType,
};

/** The checkers of the block types this package defines, for `infrablocks.check`. */
export const documentCheckers: readonly DocumentChecker[] = [processChecker as DocumentChecker];
