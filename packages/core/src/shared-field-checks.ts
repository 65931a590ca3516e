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
  // Loops, not forEach or Object.entries: this runs for every document checked.
  if (shared.command && Array.isArray(command)) {
    for (let index = 0; index < command.length; index++) {
      const argument: unknown = command[index];
      if (typeof argument === "string" && argument.includes("\0"))
        problems.push({ path: `command.${index}`, message: "an argument holds no NUL byte" });
    }
  }
  if (shared.env && env !== null && typeof env === "object") {
    const values = env as Record<string, unknown>;
    // for-in, not Object.keys (a list per call); an inherited key is let through only if it is its own.
    for (const name in values) {
      const value = values[name];
      if (typeof value === "string" && value.includes("\0") && Object.hasOwn(values, name))
        problems.push({ path: `env.${name}`, message: "an environment value holds no NUL byte" });
    }
  }
  return problems;
}
