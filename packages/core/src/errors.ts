/**
 * Every failure infrablocks reports on purpose is an {@link InfrablocksError} with one of these codes.
 * The text is the code's meaning; the error's own message says what was wrong, where, and what to do.
 */
export const ERROR_CODES = {
  INVALID_DOCUMENT: "The block document is invalid",
  DOCUMENT_FILE_NOT_FOUND: "The document file does not exist",
  DOCUMENT_NOT_FOUND: "No saved document has that name",
  DOCUMENT_EXISTS: "A saved document already has that name",
  DOCUMENT_REFERENCED: "Other saved documents refer to that document",
  INVALID_NAME: "A document name breaks the naming rules",
  UNKNOWN_BLOCK_TYPE: "No installed block type has that slug",
  DUPLICATE_BLOCK_TYPE: "Two block types claim one slug",
  CAPABILITY_UNSUPPORTED: "The block type lacks the capability asked for",
  EMPTY_COMMAND: "The block has no command to run",
  INVALID_IDENTIFIER: "The infrastructure identifier is malformed",
  EXECUTABLE_NOT_FOUND: "The command's executable cannot be found",
  INFRASTRUCTURE_NOT_FOUND: "The infrastructure does not exist (it has ended or was removed)",
  INFRASTRUCTURE_NOT_AVAILABLE: "The infrastructure cannot be reached from here",
  INFRASTRUCTURE_ERROR: "The infrastructure failed",
  DRIVER_DEPENDENCY_MISSING: "A driver's SDK could not be loaded",
  STORE_ERROR: "The document store could not be read or written",
  OUTPUT_NOT_WRITTEN: "A file or folder the command was asked to write could not be written",
  INVALID_RUN_ID: "A run id breaks the rules for run ids",
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorDetails {
  /** The block type the error concerns; prefixes the message. */
  blockType?: string;
  /** One `path: problem` line per problem, for invalid documents. */
  issues?: string[];
  cause?: unknown;
}

/** The one error type of infrablocks: a string code plus a message fit to show a user. */
export class InfrablocksError extends Error {
  override readonly name = "InfrablocksError";
  readonly code: ErrorCode;
  readonly blockType: string | undefined;
  readonly issues: readonly string[];

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(details.blockType ? `[${details.blockType}] ${message}` : message, { cause: details.cause });
    this.code = code;
    this.blockType = details.blockType;
    this.issues = details.issues ?? [];
  }
}

export function isInfrablocksError(error: unknown, code?: ErrorCode): error is InfrablocksError {
  return error instanceof InfrablocksError && (code === undefined || error.code === code);
}
