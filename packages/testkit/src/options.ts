import type { BlockType } from "@infrablocks/core";

/** A document without its `type` is completed with the block type's slug. */
export type DocumentFields = Record<string, unknown>;

/** What the suite needs to run real infrastructure of the block type. */
export interface RunnableOptions {
  /** A document that runs `command` on infrastructure the test can reach. Called at test time. */
  document(command: string[]): DocumentFields | Promise<DocumentFields>;
  /** A command that prints `line` (letters, digits and dashes) and a newline, then exits with `code`. */
  exitCommand(code: number, line: string): string[];
  /** A command that runs until killed, for at least a minute; it need not print anything. */
  longRunningCommand: string[];
  /**
   * An identifier of a run on infrastructure this block cannot reach (another host, Docker endpoint,
   * cluster or namespace): `kill` must throw INFRASTRUCTURE_NOT_AVAILABLE for it.
   */
  foreignIdentifier: string | (() => string | Promise<string>);
  /**
   * An identifier, in reach, of a run that no longer exists: `kill` must throw
   * INFRASTRUCTURE_NOT_FOUND. Default: the identifier of a run of `exitCommand(0, …)` that has ended,
   * which suits drivers whose runs vanish when they end (processes); give one for drivers whose
   * ended runs linger (a stopped container that was not removed).
   */
  goneIdentifier?: () => string | Promise<string>;
  /** The grace period the kill checks pass. @default 5 */
  graceSeconds?: number;
  /** How long one run may take to start and to end, in milliseconds. @default 60000 */
  timeoutMs?: number;
}

export interface ConformanceOptions {
  blockType: BlockType;
  /**
   * A complete, valid document. When the type has secret fields, give them distinctive values
   * (8 characters or more): the suite checks that no output or error ever shows them.
   */
  validDocument: DocumentFields;
  /** Documents that must be rejected, each with the field path the error must name. */
  invalidDocuments?: { document: DocumentFields; path: string }[];
  /** One more value that must never be shown, besides the secret values found in validDocument. */
  secretCanary?: string;
  /**
   * How to run real infrastructure, for types with the `run-infrastructure` capability; a string
   * skips the run checks with that reason (e.g. "no Docker Engine"). Omitted: skipped likewise.
   */
  runnable?: RunnableOptions | string;
}

/** One conformance check; `skip` holds the reason when it cannot run here. */
export interface ConformanceCheck {
  name: string;
  run(): Promise<void>;
  timeoutMs?: number;
  skip?: string;
}

export interface ConformanceGroup {
  name: string;
  checks: ConformanceCheck[];
}
