import {
  type BlockConfig,
  type BlockInput,
  defineBlockType,
  type Infrastructure,
  infrastructureFields,
  NO_NUL_BYTE,
  RUN_INFRASTRUCTURE,
  z,
} from "@infrablocks/core";
import packageJson from "../package.json" with { type: "json" };
import { processFromPrefect } from "./prefect-import.js";
import validate from "./validators/process.js";

const processFields = {
  ...infrastructureFields,
  workingDir: z.string().min(1).regex(NO_NUL_BYTE, "a path holds no NUL byte").optional().meta({
    title: "Working Directory",
    description:
      "The directory the process starts in. Unset: a fresh temporary directory, removed when the process ends.",
  }),
  outputTailBytes: z
    .number()
    .int()
    .min(4096)
    .max(1024 * 1024 * 1024)
    .optional()
    .meta({
      title: "Output Tail Bytes",
      description:
        "How many bytes of the most recent output (stdout and stderr together) a run started by the CLI keeps on disk, for `infrablocks attach` after its runner died. Unset: 4 MiB.",
    }),
};

export type ProcessBlock = BlockConfig<"process", typeof processFields>;

/** The `process` block: a command run as a local child process, without a shell. */
export const processBlockType = defineBlockType({
  slug: "process",
  title: "Process",
  description:
    "Runs a command as a new local process. The process gets the caller's environment, the INFRABLOCKS_* variables and the block's env, in that order of precedence.",
  capabilities: [RUN_INFRASTRUCTURE],
  version: packageJson.version,
  package: packageJson.name,
  fields: processFields,
  validate,
  fromPrefect: processFromPrefect,
  loadInfrastructure: async (): Promise<Infrastructure<ProcessBlock>> =>
    (await import("./process-runtime.js")).processInfrastructure,
});

/** A `process` document as written in TypeScript: defaulted fields (and `type`) optional. */
export type ProcessBlockInput = BlockInput<typeof processBlockType>;
