import type { BlockType } from "./block-type.js";
import { RUN_INFRASTRUCTURE } from "./capabilities.js";
import { InfrablocksError } from "./errors.js";
import type { Infrastructure } from "./infrastructure.js";

/** Imports a block type's runtime, turning a missing SDK into an error that says what to install. */
export async function loadInfrastructure<TConfig>(
  blockType: Pick<BlockType<TConfig>, "slug" | "package" | "capabilities" | "loadInfrastructure">,
): Promise<Infrastructure<TConfig>> {
  if (!blockType.capabilities.includes(RUN_INFRASTRUCTURE) || !blockType.loadInfrastructure) {
    throw new InfrablocksError(
      "CAPABILITY_UNSUPPORTED",
      `'${blockType.slug}' blocks cannot run infrastructure (capabilities: ${blockType.capabilities.join(", ") || "none"}).`,
    );
  }
  try {
    return await blockType.loadInfrastructure();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND") {
      throw new InfrablocksError(
        "DRIVER_DEPENDENCY_MISSING",
        `Cannot load the runtime of ${blockType.package}: ${(error as Error).message}. Reinstall ${blockType.package} with its dependencies.`,
        { blockType: blockType.slug, cause: error },
      );
    }
    throw error;
  }
}

/** The problem of a block without a command, as running it and `validate` word it. */
export const MISSING_COMMAND =
  'command: required to run (e.g. command: ["echo", "hello"]); saved documents may leave it out, running ones may not.';

/** The command to run; a block without one is invalid for running even though it may be saved. */
export function requireCommand(slug: string, command: readonly string[] | undefined): string[] {
  if (!command || command.length === 0) {
    throw new InfrablocksError("EMPTY_COMMAND", MISSING_COMMAND, { blockType: slug });
  }
  return [...command];
}
