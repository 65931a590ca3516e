/**
 * How a runner and the supervisor of its `process` run (supervisor.ts) talk, on the supervisor's
 * fd 3, a socket pair: the runner writes one JSON line, a {@link SupervisorRequest}; the supervisor
 * answers with JSON lines, {@link SupervisorEvent}s. Once the runner has recorded the run, it writes
 * {@link RELEASE}, and only then does the supervisor pass the command's output on. The end of the
 * channel tells the supervisor that its runner is gone (and releases the output to the tail).
 */
import type { ProcessCommand } from "./command-spawn.js";

/** The runner's second and last line: the run is recorded; output may flow. */
export const RELEASE = "recorded\n";

export interface SupervisorRequest extends ProcessCommand {
  /** The run's folder: the tail files and the exit status go there. */
  folder: string;
  /** Whether the command's output is wanted at all; without it, stdout and stderr are /dev/null. */
  streamOutput: boolean;
  /** Bytes of recent output kept on disk, for both streams together. */
  tailBytes: number;
}

export type SupervisorEvent =
  | { event: "started"; pid: number }
  | { event: "spawn-failed"; code: string | undefined; message: string }
  /** The reader of the runner's stdout went away (`| head`); the runner decides what to do. */
  | { event: "reader-gone" };

/** What the supervisor records when the command has ended. */
export interface RecordedExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export const EXIT_FILE = "exit.json";
