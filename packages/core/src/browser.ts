// `@infrablocks/core/browser`: what a web page needs from core, and nothing that needs Node. Every module
// named here imports only modules that are browser-safe themselves (browser.test.ts checks the graph).

export { MASK, isSecretVariableName } from "./mask.js";
export { DOCUMENT_NAME_PATTERN, SLUG_PATTERN } from "./names.js";
export { NO_NUL_BYTE } from "./nul-byte.js";
export type { BlockJsonSchema, BlockSchemaReference } from "./block-json-schema.js";
export {
  enumLabel,
  NESTED_BLOCK_FIELD,
  type NestedBlockHint,
  type RjsfUiSchema,
  toRjsfUiSchema,
  type UiHints,
  uiHintsFor,
} from "./ui-hints.js";
