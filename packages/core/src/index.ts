// The main entry: block types (zod), schema export, documents' resolution by block type, and, re-exported,
// everything of `@infrablocks/core/runtime`.
export { z } from "zod";
export {
  type BlockCheck,
  type BlockConfig,
  type BlockConfigOf,
  type BlockInput,
  type BlockReference,
  type BlockFields,
  type BlockSchema,
  type BlockType,
  type BlockTypeDefinition,
  type FieldMeta,
  blockFields,
  defineBlockType,
  isSecretField,
  nestedBlock,
  nestedBlockTypeOf,
  secret,
  secretFieldPaths,
  unwrapField,
} from "./block-type.js";
export { blockChecker } from "./block-checker.js";
export { maskDocument, secretValues } from "./block-secrets.js";
export { canonicalJson, sha256Checksum } from "./canonical-json.js";
export { type ResolvedBlock, resolveBlock } from "./documents.js";
export { infrastructureFields } from "./infrastructure-fields.js";
export { NO_NUL_BYTE } from "./nul-byte.js";
export {
  convertPrefectFields,
  type PrefectData,
  type PrefectFieldRule,
  type PrefectImport,
  type PrefectImportContext,
  prefectImageRule,
  prefectInfrastructureRules,
} from "./prefect-import.js";
export {
  type BlockCallOptions,
  type KillBlockOptions,
  killBlock,
  type PreviewBlockOptions,
  previewBlock,
  type RunBlockOptions,
  runBlock,
} from "./run-block.js";
export * from "./runtime.js";
export { exportBlockSchema, titleFromName } from "./schema-export.js";
export { maskedSecretPaths, restoreMaskedSecrets } from "./masked-secrets.js";
export {
  enumLabel,
  NESTED_BLOCK_FIELD,
  type NestedBlockHint,
  type RjsfUiSchema,
  toRjsfUiSchema,
  type UiHints,
  uiHintsFor,
} from "./ui-hints.js";
export { compiledValidatorIsExact } from "./validator-exactness.js";
