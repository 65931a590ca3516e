import type { Writable } from "node:stream";
import type { RunnerAlive } from "./runs.js";

/** Where infrablocks' own messages go (the CLI writes them to stderr, secrets masked). */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/**
 * What every operation of a driver gets. Each operation's context adds only what that operation
 * needs; a driver reads all of its settings from here, never from infrablocks' own environment.
 */
export interface DriverContext {
  /** Where infrablocks' messages go; the CLI masks secrets in them again on the way out. */
  log: Logger;
  /** The `INFRABLOCKS_*` variables passed to every infrastructure; a block's `env` overrides them. */
  baseEnvironment: Readonly<Record<string, string>>;
  /**
   * Masks every secret of the block at hand (its secret fields, its secret-named environment
   * variables, those of the base environment) in a text, also in the encodings secrets travel in.
   * Use it on anything an engine or API server echoes back before it goes into a message.
   */
  redact(text: string): string;
  /**
   * A folder of the block type's own for state that must outlive the runner, created on first use
   * by the driver (the CLI gives `$INFRABLOCKS_HOME/state/<slug>`). Unset, as in plain library calls:
   * then nothing the driver keeps outlives the runner.
   */
  stateFolder?: string;
}

/** A place to draw live progress on. */
export interface ProgressOutput {
  /** A terminal gets lines redrawn in place; anything else a line of totals every few seconds. */
  readonly terminal: boolean;
  /** The terminal's width, so that no line wraps (which would break redrawing in place). */
  readonly columns?: number;
  write(text: string): void;
}

export interface RunContext extends DriverContext {
  /** Receives the infrastructure's standard output when the block streams output. */
  stdout: Writable;
  /** Receives the infrastructure's standard error when the block streams output. */
  stderr: Writable;
  /**
   * Where a run draws live progress, such as an image pull's (the CLI gives stderr, except with
   * --json). Unset, a run shows none.
   */
  progress?: ProgressOutput;
  /** Called once, as soon as the infrastructure exists, with its identifier. */
  onStarted(identifier: string): void;
  /**
   * The run's id (`newRunId()`, or the caller's own, checked by `assertRunId`): passed as
   * INFRABLOCKS_RUN_ID and labelled on the infrastructure, so that its runs can be listed, attached
   * to and swept. For `attach`, the run to attach to.
   */
  runId: string;
}

export type PreviewContext = DriverContext;

export interface KillContext extends DriverContext {
  /** Seconds between the polite stop and the forced one. */
  graceSeconds: number;
}

export type ListRunsContext = DriverContext;

/** A live run that infrablocks started, as `listRuns` reports it. */
export interface RunInfo {
  runId: string;
  /** The block type slug. */
  type: string;
  identifier: string;
  /** When the infrastructure was created (ISO 8601), when known. */
  startedAt: string | undefined;
  /** `<hostname>:<pid>:<start time>` of the process that started the run, when recorded. */
  runner: string | undefined;
  runnerAlive: RunnerAlive;
}

export interface RunResult {
  identifier: string;
  /**
   * The exit status. A process ended by signal N reports -N; -1 means no exit code could be had
   * (the container or pod vanished, the job timed out), with the reason in `message`.
   */
  statusCode: number;
  /** The signal number that ended a process, when one did (then `statusCode` is its negative). */
  signal?: number;
  /** What the status code means, when it says more than a number (a signal, a memory kill, a lost pod). */
  message?: string;
}

/**
 * What a block type with the `run-infrastructure` capability does. `kill` throws
 * `INFRASTRUCTURE_NOT_FOUND` when the run is gone and `INFRASTRUCTURE_NOT_AVAILABLE` when it lives
 * somewhere this block cannot reach. See `@infrablocks/infra-process` for a reference implementation.
 */
export interface Infrastructure<TConfig> {
  run(config: TConfig, context: RunContext): Promise<RunResult>;
  /** What `run` would do, as text, with secrets masked. Never needs the engine or cluster. */
  preview(config: TConfig, context: PreviewContext): Promise<string>;
  kill(config: TConfig, identifier: string, context: KillContext): Promise<void>;
  /**
   * The live runs of this type that infrablocks started. With a config, those within its reach (its
   * engine, cluster and namespace, as for `kill`); without one, those on the default engine or
   * cluster. Throws when that engine or cluster cannot be reached.
   */
  listRuns?(config: TConfig | undefined, context: ListRunsContext): Promise<RunInfo[]>;
  /**
   * Attaches to the live run `context.runId`, typically one whose runner died: reports its identifier
   * through `onStarted`, streams its output, and resolves as `run` would. Throws
   * INFRASTRUCTURE_NOT_FOUND when no such run is within the block's reach.
   */
  attach?(config: TConfig, context: RunContext): Promise<RunResult>;
}
