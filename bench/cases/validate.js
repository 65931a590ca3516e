// Validation throughput: core's full document check against ajv on the exported JSON schema.
import { Ajv } from "ajv";
import { sideBySide } from "../measure.js";
import { importPackage } from "../packages.js";
import { row } from "./process.js";

const DOCUMENTS = 20_000;
// A pass takes milliseconds: more rounds than the usual 5, so that a busy machine moves the medians less.
const ROUNDS = 21;

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
  // ajv fills defaults into the object it is given: it validates a copy of its own, so that `document`
  // reaches resolveBlock as written (it used to reach it with ajv's `streamOutput` default filled in).
  // After its first call ajv's copy is filled, so ajv no longer adds the default; by hand, ajv on 20,000
  // fresh documents per pass took the same in steady passes (1.5 to 1.6 ms vs 1.5 ms), but the heap
  // made a third of those passes 2 to 50 times slower, which would time the garbage collector, not ajv.
  const ajvDocument = structuredClone(document);
  const ajvPass = async () => {
    for (let index = 0; index < DOCUMENTS; index++) {
      if (!validate(ajvDocument)) throw new Error("ajv rejected the document");
    }
  };
  const measured = await sideBySide({
    rounds: ROUNDS,
    ours: async () => {
      for (let index = 0; index < DOCUMENTS; index++)
        await core.resolveBlock(registry, document, noSavedDocuments);
    },
    theirs: ajvPass,
  });
  // The floor of an awaited check, timed against the same ajv: an async function that only copies the
  // document (the generated copy) and runs the compiled validator on it.
  const compiledValidator = processBlockType.validate;
  const copyAndValidate = async (value) => compiledValidator(compiledValidator.copy(value));
  const floor = await sideBySide({
    rounds: ROUNDS,
    ours: async () => {
      for (let index = 0; index < DOCUMENTS; index++) {
        if (!(await copyAndValidate(document))) throw new Error("the compiled validator rejected it");
      }
    },
    theirs: ajvPass,
  });
  // The same check without the compiled validator (zod parses, as before it existed), against the one with it.
  const { validate: _, ...zodOnlyType } = processBlockType;
  const zodRegistry = new core.BlockRegistry([zodOnlyType]);
  const compiledGain = await sideBySide({
    rounds: ROUNDS,
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
    rounds: ROUNDS,
    ours: async () => {
      for (let index = 0; index < DOCUMENTS; index++) processBlockType.schema.parse(document);
    },
    theirs: ajvPass,
  });
  return row(
    "validate",
    measured,
    2.0,
    `${DOCUMENTS} process documents validated by core (compiled validator) vs by ajv on the exported schema (floor, awaited: copy + compiled validator ${floor.ratio.toFixed(1)}× ajv; zod's parse alone: ${zodOnly.ratio.toFixed(1)}× ajv; resolveBlock's zod path: ${compiledGain.ratio.toFixed(1)}× its compiled path)`,
  );
}
