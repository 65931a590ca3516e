import { documentChecks } from "./document-checks.js";
import type { ConformanceGroup, ConformanceOptions } from "./options.js";
import { previewChecks, runChecks } from "./run-checks.js";
import { schemaChecks } from "./schema-checks.js";

/** Every conformance check for a block type, grouped; {@link testBlockType} registers them with vitest. */
export function conformanceChecks(options: ConformanceOptions): ConformanceGroup[] {
  return [
    { name: "schema export", checks: schemaChecks(options) },
    { name: "documents and secrets", checks: documentChecks(options) },
    { name: "preview", checks: previewChecks(options) },
    { name: "run and kill", checks: runChecks(options) },
  ];
}
