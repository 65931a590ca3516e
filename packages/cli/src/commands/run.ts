import { constants } from "node:os";
import {
  assertRunId,
  type Infrastructure,
  InfrablocksError,
  loadInfrastructure,
  newRunId,
  type CheckedBlock,
  type RunContext,
  type RunResult,
} from "@infrablocks/core/runtime";
import { runExitCode } from "../exit-codes.js";
import type { Session } from "../session.js";
import { endWhenStdoutGone, stdoutStream } from "../stdout.js";

export interface RunOptions {
  json?: boolean;
  grace: number;
}

export async function runCommand(
  session: Session,
  source: string,
  options: RunOptions & { runId?: string },
): Promise<number> {
  const runId = options.runId === undefined ? newRunId() : assertRunId(options.runId);
  const block = await session.loadBlock(source, "run");
  const infrastructure = await loadInfrastructure(block.blockType);
  return followRun(session, block, infrastructure, runId, options, (context) =>
    infrastructure.run(block.config, context),
  );
}

/** `attach`: takes over a run whose runner died, and ends exactly as `run` would have. */
export async function attachCommand(
  session: Session,
  source: string,
  runId: string,
  options: RunOptions,
): Promise<number> {
  assertRunId(runId);
  const block = await session.loadBlock(source, "attach");
  const infrastructure = await loadInfrastructure(block.blockType);
  const { attach } = infrastructure;
  if (!attach) {
    throw new InfrablocksError(
      "CAPABILITY_UNSUPPORTED",
      `'${block.blockType.slug}' blocks cannot be attached to: their driver does not track runs.`,
    );
  }
  return followRun(session, block, infrastructure, runId, options, (context) =>
    attach.call(infrastructure, block.config, context),
  );
}

/**
 * Runs `start` (a run or an attach) with the CLI's run context: output to stdout and stderr (stderr
 * only with --json), the started and exited messages or events, Ctrl-C stopping the run with the
 * grace period, and the exit status the contract fixes.
 */
async function followRun(
  session: Session,
  block: CheckedBlock,
  infrastructure: Infrastructure<unknown>,
  runId: string,
  options: RunOptions,
  start: (context: RunContext) => Promise<RunResult>,
): Promise<number> {
  const slug = block.blockType.slug;
  const emit = (event: Record<string, unknown>) => session.writeOut(JSON.stringify(event));

  let identifier: string | undefined;
  let interruptedBy: NodeJS.Signals | undefined;
  let stopping = false;
  const stop = () => {
    if (!identifier || !interruptedBy || stopping) return;
    stopping = true;
    const reason =
      interruptedBy === "SIGPIPE" ? "The reader of stdout went away" : `Received ${interruptedBy}`;
    session.log.info(`${reason}; stopping ${identifier} (grace ${options.grace}s)...`);
    infrastructure
      .kill(block.config, identifier, { ...session.driverContext(slug), graceSeconds: options.grace })
      .catch((error: Error) => session.log.error(error.message));
  };
  // Ctrl-C, a SIGTERM from a supervisor, or the SIGHUP of a closed terminal stops the infrastructure with
  // the grace period (it runs in a process group of its own, so it gets none of these itself), then the
  // run finishes as usual and exits 128+signal. A second signal gives up waiting.
  const onSignal = (signal: NodeJS.Signals) => {
    if (interruptedBy) process.exit(128 + constants.signals[signal]);
    interruptedBy = signal;
    stop();
  };
  const stopSignals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  for (const signal of stopSignals) process.on(signal, onSignal);
  // The reader of stdout went away (`| head`): stop the run as on Ctrl-C and exit 141 as other Unix
  // tools do, without an error; once the run has ended, its own status stands. Kept for the
  // process's life: a late write may fail the same way.
  let ended = false;
  const stdout = stdoutStream();
  stdout.off("error", endWhenStdoutGone);
  stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    if (ended || interruptedBy) return;
    interruptedBy = "SIGPIPE";
    stop();
  });

  let result: RunResult;
  try {
    result = await start({
      // With --json, stdout carries only events; the infrastructure's output moves to stderr.
      stdout: options.json ? process.stderr : stdout,
      stderr: process.stderr,
      // With a state folder, so that a run outlives this process should it die: ps, attach and sweep find it.
      ...session.driverContext(slug),
      // With --json, no live progress (an image pull's): only the logged lines.
      progress: options.json ? undefined : session.progress,
      runId,
      onStarted(started) {
        identifier = started;
        if (options.json) emit({ event: "started", identifier: started, runId });
        else session.log.info(`Started ${slug} ${started} (run ${runId})`);
        stop();
      },
    });
  } finally {
    ended = true;
    for (const signal of stopSignals) process.off(signal, onSignal);
  }

  if (options.json) {
    emit({
      event: "exited",
      identifier: result.identifier,
      runId,
      statusCode: result.statusCode,
      ...(result.message ? { message: result.message } : {}),
    });
  } else {
    const outcome =
      result.statusCode === 0 ? "exited cleanly" : `exited with status code ${result.statusCode}`;
    session.log.info(`${slug} ${result.identifier} ${outcome}${result.message ? `: ${result.message}` : ""}`);
  }
  if (interruptedBy) return 128 + constants.signals[interruptedBy];
  return runExitCode(result);
}
