// `@infrablocks/core/runtime`: what checking, reading and running a document takes, without zod. The
// CLI and the drivers' runtime modules import it, so that a command that only checks or runs a document
// never evaluates zod's schema machinery or a block type's zod schema (runtime.test.ts checks the graph).
// The main entry re-exports all of it.

export type { BlockJsonSchema, BlockSchemaReference } from "./block-json-schema.js";
export type { BlockProblem } from "./block-type.js";
export { type Capability, DOCKER_LOGIN, RUN_INFRASTRUCTURE } from "./capabilities.js";
export {
  type CompiledValidator,
  type CompiledValidatorError,
  compiledErrorPaths,
} from "./compiled-validation.js";
export { driverContext, killContext, runContext, stderrLogger } from "./contexts.js";
export {
  type CheckedBlock,
  checkDocument,
  type DocumentChecker,
  type DocumentCheckers,
  maskedPaths,
  maskedSecretProblem,
  type ResolveOptions,
  type SavedDocumentLoader,
  type SchemaFacts,
} from "./document-checker.js";
export {
  DOCUMENT_LIMITS,
  parseDocumentsText,
  parseDocumentText,
  parseYamlValue,
  type SourceDocument,
} from "./document-text.js";
export { parseYaml, stringifyYaml } from "./lazy-yaml.js";
export { API_URL_VARIABLE, baseEnvironment, inheritedEnvironment, mergeEnvironment } from "./environment.js";
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
export { loadInfrastructure, MISSING_COMMAND, requireCommand } from "./infrastructure-loader.js";
export { wrongTypeSentence } from "./issue-messages.js";
export { isSecretVariableName, MASK } from "./mask.js";
export {
  assertRunId,
  isProcessRunning,
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
  maskAtPaths,
  maskEnvironment,
  Redactor,
  secretEnvironmentValues,
  secretValuesAt,
} from "./secrets.js";
export * from "./registry-entry.js";
export { outputFailed, writableAgain } from "./run-output.js";
export { DocumentStore, type StoredDocumentInfo, writeSyncedTemporary } from "./store.js";
