import { constants } from "node:os";
import { loadInfrastructure, type RunResult } from "@infrablocks/core";
import { runExitCode } from "../exit-codes.js";
import type { Session } from "../session.js";

export async function runCommand(
  session: Session,
  source: string,
  options: { json?: boolean; grace: number },
): Promise<number> {
  const block = await session.loadBlock(source);
  const infrastructure = await loadInfrastructure(block.blockType);
  const slug = block.blockType.slug;
  const emit = (event: Record<string, unknown>) => session.writeOut(JSON.stringify(event));

  let identifier: string | undefined;
  let interruptedBy: NodeJS.Signals | undefined;
  let stopping = false;
  const stop = () => {
    if (!identifier || !interruptedBy || stopping) return;
    stopping = true;
    session.log.info(`Received ${interruptedBy}; stopping ${identifier} (grace ${options.grace}s)...`);
    infrastructure
      .kill(block.config, identifier, { log: session.log, graceSeconds: options.grace })
      .catch((error: Error) => session.log.error(error.message));
  };
  // Ctrl-C (or a SIGTERM from a supervisor) stops the infrastructure with the grace period, then the
  // run finishes as usual and exits 128+signal. A second signal gives up waiting.
  const onSignal = (signal: NodeJS.Signals) => {
    if (interruptedBy) process.exit(128 + constants.signals[signal]);
    interruptedBy = signal;
    stop();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  let result: RunResult;
  try {
    result = await infrastructure.run(block.config, {
      // With --json, stdout carries only events; the infrastructure's output moves to stderr.
      stdout: options.json ? process.stderr : process.stdout,
      stderr: process.stderr,
      log: session.log,
      baseEnvironment: session.baseEnvironment,
      onStarted(started) {
        identifier = started;
        if (options.json) emit({ event: "started", identifier: started });
        else session.log.info(`Started ${slug} ${started}`);
        stop();
      },
    });
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }

  if (options.json) {
    emit({
      event: "exited",
      identifier: result.identifier,
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
