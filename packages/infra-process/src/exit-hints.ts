import { constants } from "node:os";
import type { RunResult } from "@infrablocks/core/runtime";

/** Status codes that say more than a number; the texts follow what Prefect users learned to expect. */
const HINTS: Record<number, string> = {
  [-constants.signals.SIGKILL]:
    "The process was ended by SIGKILL: a cancellation, or the system ran out of memory and chose it.",
  [-constants.signals.SIGTERM]: "The process was ended by SIGTERM, typically a cancellation.",
  247: "The process was terminated for using too much memory.",
};

export function exitHint(statusCode: number): string | undefined {
  if (HINTS[statusCode]) return HINTS[statusCode];
  if (statusCode < 0) {
    const name = Object.entries(constants.signals).find(([, number]) => number === -statusCode)?.[0];
    return `The process was ended by signal ${name ?? -statusCode}.`;
  }
  return undefined;
}

/** A child's status code: its exit code, or -N when signal N ended it (as Prefect reports). */
export function statusCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return signal ? -constants.signals[signal] : -1;
}

/** A run's result: its status code, the signal number when a signal ended it, and the hint. */
export function processResult(identifier: string, statusCode: number, signal?: number): RunResult {
  const hint = exitHint(statusCode);
  return {
    identifier,
    statusCode,
    ...(signal ? { signal } : {}),
    ...(hint ? { message: hint } : {}),
  };
}
