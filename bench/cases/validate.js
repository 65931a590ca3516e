// Validation throughput: core's full document check against ajv on the exported JSON schema.
import { Ajv } from "ajv";
import { sideBySide } from "../measure.js";
import { importPackage } from "../packages.js";
import { row } from "./process.js";

const DOCUMENTS = 20_000;

export async function validateCase() {
  const core = await importPackage("core");
  const { processBlockType } = await importPackage("infra-process");
  const registry = new core.BlockRegistry([processBlockType]);
  const document = {
    type: "process",
    name: "nightly",
    command: ["python3", "-m", "etl", "--date", "2026-11-28"],
    env: { LOG_LEVEL: "debug", REMOVED: null },
    labels: { team: "data" },
    workingDir: "/srv/etl",
  };
  const noSavedDocuments = async () => {
    throw new Error("unused");
  };
  const validate = new Ajv({ strict: false, useDefaults: true }).compile(
    core.exportBlockSchema(processBlockType),
  );
  const measured = await sideBySide({
    rounds: 5,
    ours: async () => {
      for (let index = 0; index < DOCUMENTS; index++)
        await core.resolveBlock(registry, document, noSavedDocuments);
    },
    theirs: async () => {
      for (let index = 0; index < DOCUMENTS; index++) {
        if (!validate(document)) throw new Error("ajv rejected the document");
      }
    },
  });
  // The same check without the compiled validator (zod parses, as before it existed), against the one with it.
  const { validate: _, ...zodOnlyType } = processBlockType;
  const zodRegistry = new core.BlockRegistry([zodOnlyType]);
  const compiledGain = await sideBySide({
    rounds: 5,
    ours: async () => {
      for (let index = 0; index < DOCUMENTS; index++)
        await core.resolveBlock(zodRegistry, document, noSavedDocuments);
    },
    theirs: async () => {
      for (let index = 0; index < DOCUMENTS; index++)
        await core.resolveBlock(registry, document, noSavedDocuments);
    },
  });
  // The floor infrablocks stood on before: zod's own parse of the same documents, timed against ajv too.
  const zodOnly = await sideBySide({
    rounds: 5,
    ours: async () => {
      for (let index = 0; index < DOCUMENTS; index++) processBlockType.schema.parse(document);
    },
    theirs: async () => {
      for (let index = 0; index < DOCUMENTS; index++) validate(document);
    },
  });
  return row(
    "validate",
    measured,
    2.0,
    `${DOCUMENTS} process documents validated by core (compiled validator) vs by ajv on the exported schema (zod's parse alone: ${zodOnly.ratio.toFixed(1)}× ajv; resolveBlock's zod path: ${compiledGain.ratio.toFixed(1)}× its compiled path)`,
  );
}
