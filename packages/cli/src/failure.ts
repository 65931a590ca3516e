import { isInfrablocksError, Redactor } from "@infrablocks/core/runtime";
import { UsageError } from "./commands/documents.js";
import { exitCodeFor, USAGE_EXIT_CODE } from "./exit-codes.js";
import { Session } from "./session.js";
import { writeStderr } from "./stdio.js";

/** Prints a failure the way users should see it (no stack unless INFRABLOCKS_DEBUG=1) and picks the exit status. */
export function describeFailure(
  error: unknown,
  redactor: Redactor = Session.current?.redactor ?? new Redactor(),
): number {
  const write = (text: string) => writeStderr(`${redactor.redact(text)}\n`);
  if (process.env.INFRABLOCKS_DEBUG === "1") write(String((error as Error).stack ?? error));
  if (error instanceof UsageError) {
    write(`error: ${error.message}`);
    return USAGE_EXIT_CODE;
  }
  if (isInfrablocksError(error)) {
    write(`error: ${error.message}`);
    return exitCodeFor(error.code);
  }
  write(`error: ${(error as Error).message ?? String(error)} (set INFRABLOCKS_DEBUG=1 for the stack trace)`);
  return 1;
}
