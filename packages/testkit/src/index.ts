export { conformanceChecks } from "./conformance.js";
export type {
  ConformanceCheck,
  ConformanceGroup,
  ConformanceOptions,
  DocumentFields,
  RunnableOptions,
} from "./options.js";
export { schemaDriftSuite } from "./schema-drift.js";
export { ConformanceError } from "./support.js";
export { testBlockType } from "./test-block-type.js";
export {
  importFromPrefect,
  type PrefectImportMessage,
  type PrefectImportOutcome,
} from "./prefect-import.js";
