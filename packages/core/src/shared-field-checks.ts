import type { BlockProblem } from "./block-type.js";

/** Which of core's shared infrastructure fields a type spreads (the same field objects), so their checks apply. */
export interface SharedFields {
  readonly command: boolean;
  readonly env: boolean;
}

/**
 * The value checks of the shared fields, run by every document check of a type that spreads them: a
 * NUL byte cannot cross exec(), so such an argument or value could never reach the program. A check
 * rather than a refinement keeps the schema plain JSON Schema (compiled, and plain `string` types for
 * form renderers).
 */
export function sharedFieldProblems(shared: SharedFields, config: unknown): BlockProblem[] {
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
