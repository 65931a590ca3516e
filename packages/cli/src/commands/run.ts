import { constants } from "node:os";
import {
  assertRunId,
  type Infrastructure,
  InfrablocksError,
  isInfrablocksError,
  loadInfrastructure,
  newRunId,
  type CheckedBlock,
  type RunContext,
  type RunResult,
} from "@infrablocks/core/runtime";
import { runExitCode } from "../exit-codes.js";
import type { Session } from "../session.js";
import { stderrStream, stdoutStream, whenOutputFails } from "../stdio.js";

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
  // Why the run is being stopped, and the status the command then exits with.
  let interruption: { reason: string; exitCode: number } | undefined;
  // Called when either is known (the run started, a reason to stop it came): kills once both are.
  const stop = () => {
    if (!identifier || !interruption) return;
    session.log.info(`${interruption.reason}; stopping ${identifier} (grace ${options.grace}s)...`);
    infrastructure
      .kill(block.config, identifier, { ...session.driverContext(slug), graceSeconds: options.grace })
      .catch((error: Error) => {
        // Not found: the run ended by itself meanwhile, and its end is reported as usual.
        if (!isInfrablocksError(error, "INFRASTRUCTURE_NOT_FOUND")) session.log.error(error.message);
      });
  };
  const interrupt = (reason: string, exitCode: number) => {
    if (interruption) return;
    interruption = { reason, exitCode };
    stop();
  };
  // Ctrl-C, a SIGTERM from a supervisor, or the SIGHUP of a closed terminal stops the infrastructure with
  // the grace period (it runs in a process group of its own, so it gets none of these itself), then the
  // run finishes as usual and exits 128+signal. A second signal gives up waiting. A signal that comes
  // while a failed output stops the run lets that stop go on, and sets the status.
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    const exitCode = 128 + constants.signals[signal];
    if (signalled) process.exit(exitCode);
    signalled = true;
    if (interruption) interruption.exitCode = exitCode;
    else interrupt(`Received ${signal}`, exitCode);
  };
  const stopSignals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  for (const signal of stopSignals) process.on(signal, onSignal);
  // stdout or stderr taking no more stops the run as Ctrl-C does: its reader went away (`| head`),
  // which ends the command with 141 and no error as other Unix tools do, or it failed (a full disk),
  // which loses output and so ends it with 1. Once the run has ended, a reader gone or a failed stderr
  // (only these messages lost) leaves its status standing. Kept for the process's life: a late write may
  // fail the same way.
  let ended = false;
  let stdoutFailed = false;
  let lost: NodeJS.ErrnoException | undefined;
  whenOutputFails((error, name) => {
    if (name === "stdout") stdoutFailed = true;
    const readerGone = error.code === "EPIPE";
    if (ended) {
      if (name === "stdout" && !readerGone) lost ??= error;
    } else if (readerGone) interrupt(`The reader of ${name} went away`, 141);
    else interrupt(`Unable to write to ${name} (${error.message})`, 1);
  });
  const stdout = stdoutStream();
  const stderr = stderrStream();

  let result: RunResult;
  try {
    result = await start({
      // With --json, stdout carries only events; the infrastructure's output moves to stderr.
      stdout: options.json ? stderr : stdout,
      stderr,
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

  // Events stdout no longer takes are lost: the end is then told on stderr, as without --json.
  if (options.json && !stdoutFailed) {
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
  if (interruption) return interruption.exitCode;
  if (lost) {
    session.log.error(`Output of the run was lost: unable to write to stdout (${lost.message})`);
    return 1;
  }
  return runExitCode(result);
}
