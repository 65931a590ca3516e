import type { ErrorCode } from "@infrablocks/core/registry";

/** Exit statuses fixed by CONTRACT.md; any code not listed exits 1. */
const EXIT_CODES: Partial<Record<ErrorCode, number>> = {
  INVALID_DOCUMENT: 2,
  DOCUMENT_FILE_NOT_FOUND: 2,
  INVALID_NAME: 2,
  UNKNOWN_BLOCK_TYPE: 2,
  CAPABILITY_UNSUPPORTED: 2,
  EMPTY_COMMAND: 2,
  INVALID_IDENTIFIER: 2,
  INVALID_RUN_ID: 2,
  DOCUMENT_NOT_FOUND: 3,
  INFRASTRUCTURE_NOT_FOUND: 3,
  INFRASTRUCTURE_NOT_AVAILABLE: 4,
  EXECUTABLE_NOT_FOUND: 127,
};

export const USAGE_EXIT_CODE = 2;

export function exitCodeFor(code: ErrorCode): number {
  return EXIT_CODES[code] ?? 1;
}

/** `run`'s exit status for an infrastructure's result. */
export function runExitCode(result: { statusCode: number; signal?: number }): number {
  if (result.signal) return 128 + result.signal;
  return result.statusCode >= 0 && result.statusCode <= 255 ? result.statusCode : 1;
}
