import { type BlockType, secretFieldPaths } from "./block-type.js";
import { maskAtPaths, secretValuesAt } from "./secrets.js";

/** A deep copy of a block document with every secret field masked; `$ref`s are left as they are. */
export function maskDocument<T>(blockType: BlockType, document: T): T {
  return maskAtPaths(secretFieldPaths(blockType), document);
}

/** Every secret value a document holds, so output can be scrubbed of them. */
export function secretValues(blockType: BlockType, document: unknown): string[] {
  return secretValuesAt(secretFieldPaths(blockType), document);
}
