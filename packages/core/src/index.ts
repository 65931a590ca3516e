export { parse as parseYaml, stringify as stringifyYaml } from "yaml";
export { z } from "zod";
export {
  type BlockCheck,
  type BlockConfig,
  type BlockConfigOf,
  type BlockInput,
  type BlockProblem,
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
export {
  type CompiledValidator,
  type CompiledValidatorError,
  compiledErrorPaths,
  compiledValidatorIsExact,
} from "./compiled-validation.js";
export { type Capability, DOCKER_LOGIN, RUN_INFRASTRUCTURE } from "./capabilities.js";
export { canonicalJson, sha256Checksum } from "./canonical-json.js";
export {
  DOCUMENT_LIMITS,
  parseDocumentsText,
  parseDocumentText,
  parseYamlValue,
  type ResolveOptions,
  type ResolvedBlock,
  resolveBlock,
  type SavedDocumentLoader,
  type SourceDocument,
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
  DriverContext,
  Infrastructure,
  KillContext,
  ListRunsContext,
  Logger,
  PreviewContext,
  ProgressOutput,
  RunContext,
  RunInfo,
  RunResult,
} from "./infrastructure.js";
export { driverContext, killContext, runContext, stderrLogger } from "./contexts.js";
export { infrastructureFields } from "./infrastructure-fields.js";
export { loadInfrastructure, requireCommand } from "./infrastructure-loader.js";
export {
  assertDocumentName,
  DOCUMENT_NAME_PATTERN,
  documentNameFrom,
  isDocumentName,
  parseDocumentReference,
  SLUG_PATTERN,
} from "./names.js";
export {
  convertPrefectFields,
  type PrefectData,
  type PrefectFieldRule,
  type PrefectImport,
  type PrefectImportContext,
  prefectImageRule,
  prefectInfrastructureRules,
} from "./prefect-import.js";
export { type BlockTypeEntry, BlockRegistry } from "./registry.js";
export {
  type BlockCallOptions,
  type KillBlockOptions,
  killBlock,
  type PreviewBlockOptions,
  previewBlock,
  type RunBlockOptions,
  runBlock,
} from "./run-block.js";
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
export type { BlockJsonSchema, BlockSchemaReference } from "./block-json-schema.js";
export { exportBlockSchema, titleFromName } from "./schema-export.js";
export { maskedSecretPaths, maskedSecretProblem, restoreMaskedSecrets } from "./masked-secrets.js";
export { isSecretVariableName, MASK } from "./mask.js";
export {
  maskDocument,
  maskEnvironment,
  Redactor,
  secretEnvironmentValues,
  secretValues,
} from "./secrets.js";
export { type SlugifyOptions, slugify } from "./slugify.js";
export { DocumentStore, defaultStoreHome, type StoredDocumentInfo, writeSyncedTemporary } from "./store.js";
export {
  enumLabel,
  NESTED_BLOCK_FIELD,
  type NestedBlockHint,
  type RjsfUiSchema,
  toRjsfUiSchema,
  type UiHints,
  uiHintsFor,
} from "./ui-hints.js";
