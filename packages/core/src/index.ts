export { parse as parseYaml, stringify as stringifyYaml } from "yaml";
export { z } from "zod";
export {
  type BlockCheck,
  type BlockConfig,
  type BlockProblem,
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
export { type Capability, DOCKER_LOGIN, RUN_INFRASTRUCTURE } from "./capabilities.js";
export { canonicalJson, sha256Checksum } from "./canonical-json.js";
export {
  DOCUMENT_LIMITS,
  parseDocumentText,
  parseYamlValue,
  type ResolvedBlock,
  resolveBlock,
  type SavedDocumentLoader,
} from "./documents.js";
export { API_URL_VARIABLE, baseEnvironment, inheritedEnvironment, mergeEnvironment } from "./environment.js";
export {
  ERROR_CODES,
  type ErrorCode,
  type ErrorDetails,
  InfrablocksError,
  isInfrablocksError,
} from "./errors.js";
export type {
  Infrastructure,
  KillContext,
  ListRunsContext,
  Logger,
  PreviewContext,
  RunContext,
  RunInfo,
  RunResult,
} from "./infrastructure.js";
export { infrastructureFields } from "./infrastructure-fields.js";
export { loadInfrastructure, requireCommand } from "./infrastructure-loader.js";
export { assertDocumentName, DOCUMENT_NAME_PATTERN, parseDocumentReference, SLUG_PATTERN } from "./names.js";
export { type BlockTypeEntry, BlockRegistry } from "./registry.js";
export { type RecordedRun, RunRegistry } from "./run-registry.js";
export {
  isProcessRunning,
  assertRunId,
  isSameProcess,
  newRunId,
  processStat,
  RUN_ID_VARIABLE,
  type RunnerAlive,
  runEnvironment,
  runnerAlive,
  runnerIdentity,
} from "./runs.js";
export {
  type BlockJsonSchema,
  type BlockSchemaReference,
  exportBlockSchema,
  titleFromName,
} from "./schema-export.js";
export { maskedSecretPaths, maskedSecretProblem, restoreMaskedSecrets } from "./masked-secrets.js";
export {
  isSecretVariableName,
  MASK,
  maskDocument,
  maskEnvironment,
  Redactor,
  secretValues,
} from "./secrets.js";
export { type SlugifyOptions, slugify } from "./slugify.js";
export { DocumentStore, defaultStoreHome, type StoredDocumentInfo } from "./store.js";
export {
  enumLabel,
  NESTED_BLOCK_FIELD,
  type NestedBlockHint,
  type RjsfUiSchema,
  toRjsfUiSchema,
  type UiHints,
  uiHintsFor,
} from "./ui-hints.js";
