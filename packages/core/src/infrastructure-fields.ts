import { z } from "zod";
import { type BlockProblem, type BlockType, blockFields } from "./block-type.js";

/** The fields every infrastructure block type shares; spread them into a type's fields. */
export const infrastructureFields = {
  env: z
    .record(
      z.string().regex(/^[^=\0]+$/, "an environment variable name holds no '=' and no NUL"),
      z.string().nullable(),
    )
    .default({})
    .meta({
      title: "Environment",
      description:
        "Environment variables to set in the infrastructure. They override the caller's INFRABLOCKS_* variables; null removes an inherited variable.",
    }),
  labels: z
    .record(z.string(), z.string())
    .default({})
    .meta({ description: "Labels applied to the infrastructure for identification and clean-up." }),
  name: z.string().optional().meta({ description: "Name applied to the infrastructure for identification." }),
  command: z.array(z.string()).min(1, "a command needs at least its executable").optional().meta({
    description:
      "The command to run: the executable, then its arguments, each passed verbatim (no shell). Required to run.",
  }),
  streamOutput: z
    .boolean()
    .default(true)
    .meta({ description: "Stream the infrastructure's output to the caller's stdout and stderr." }),
};

/**
 * The value checks of the shared fields, run by every document check of a type that spreads them (the
 * field objects are the same): a NUL byte cannot cross exec(), so such an argument or value could never
 * reach the program. A check rather than a refinement keeps the schema plain JSON Schema (compiled,
 * and plain `string` types for form renderers).
 */
export function infrastructureFieldProblems(blockType: BlockType, config: unknown): BlockProblem[] {
  const shared = sharedFieldsOf(blockType);
  const { command, env } = config as { command?: unknown; env?: unknown };
  const problems: BlockProblem[] = [];
  if (shared.command && Array.isArray(command)) {
    command.forEach((argument, index) => {
      if (typeof argument === "string" && argument.includes("\0"))
        problems.push({ path: `command.${index}`, message: "an argument holds no NUL byte" });
    });
  }
  if (shared.env && env !== null && typeof env === "object") {
    for (const [name, value] of Object.entries(env)) {
      if (typeof value === "string" && value.includes("\0"))
        problems.push({ path: `env.${name}`, message: "an environment value holds no NUL byte" });
    }
  }
  return problems;
}

const sharedFieldCache = new WeakMap<BlockType, { command: boolean; env: boolean }>();

/** Which of the checked shared fields a type spreads, computed once per type. */
function sharedFieldsOf(blockType: BlockType): { command: boolean; env: boolean } {
  let shared = sharedFieldCache.get(blockType);
  if (!shared) {
    const fields = blockFields(blockType);
    shared = {
      command: fields.command === infrastructureFields.command,
      env: fields.env === infrastructureFields.env,
    };
    sharedFieldCache.set(blockType, shared);
  }
  return shared;
}
