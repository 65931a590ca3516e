import { spawn } from "node:child_process";
import { once } from "node:events";
import { accessSync, constants as fsConstants, readFileSync, watch } from "node:fs";
import type { Socket } from "node:net";
import { constants, hostname } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import {
  InfrablocksError,
  isSameProcess,
  type ListRunsContext,
  processStat,
  type RunContext,
  type RunInfo,
  type RunResult,
  runnerAlive,
  runnerIdentity,
} from "@infrablocks/core/runtime";
import type { ProcessCommand } from "./command-spawn.js";
import { processResult, statusCodeOf } from "./exit-hints.js";
import { type FileFollow, followFile } from "./file-follow.js";
import { parseProcessIdentifier, processIdentifier } from "./identifier.js";
import { TAIL_BATCH_MS, tailFileBytes, tailFiles } from "./output-tail.js";
import { type RecordedRun, RunRegistry } from "./run-registry.js";
import type { ProcessBlock } from "./process-block.js";
import {
  EXIT_FILE,
  encodeRequest,
  RELEASE,
  type RecordedExit,
  type SupervisorEvent,
  type SupervisorRequest,
} from "./supervisor-protocol.js";

/** The default of the `outputTailBytes` field: like Docker's json-file `max-size` of a few MiB. */
export const DEFAULT_TAIL_BYTES = 4 * 1024 * 1024;

/** Without pidfds in Node, a supervisor killed by SIGKILL (it records nothing) is noticed by this check. */
const LIVENESS_CHECK_MS = 2_000;

// From the sources (tests), the supervisors are the built ones: dist/supervisor (native, where a C
// compiler built it) and dist/supervisor.cjs (Node, the fallback).
const DIST = new URL(import.meta.url.endsWith(".ts") ? "../dist/" : "./", import.meta.url);
const NATIVE_SUPERVISOR = fileURLToPath(new URL("supervisor", DIST));
const NODE_SUPERVISOR = fileURLToPath(new URL("supervisor.cjs", DIST));

/**
 * Which supervisor runs: the native one where it is built; tests set `node` to test the fallback too,
 * and point `native` elsewhere to try a broken build.
 */
export const supervisorChoice: { kind: "native-if-built" | "node"; native: string } = {
  kind: "native-if-built",
  native: NATIVE_SUPERVISOR,
};

/** Whether the native supervisor at a path can run: built, and not yet seen to fail to start. */
const nativeUsable = new Map<string, boolean>();

/** The supervisor's program and arguments, and whether it is the native one. */
function supervisorCommand(): { program: string; args: string[]; native: boolean } {
  const native = supervisorChoice.native;
  if (supervisorChoice.kind === "native-if-built") {
    if (!nativeUsable.has(native)) nativeUsable.set(native, isExecutable(native));
    if (nativeUsable.get(native)) return { program: native, args: [], native: true };
  }
  return { program: process.execPath, args: [NODE_SUPERVISOR], native: false };
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * A `process` run recorded in the registry, which `attach` can take over should the runner die. The
 * command runs under its supervisor (see supervisor.ts), in a session and process group of its own
 * that `kill` reaches as a whole.
 */
export async function supervisedRun(
  config: ProcessBlock,
  command: ProcessCommand,
  context: RunContext,
  runs: RunRegistry,
  spawnError: (error: NodeJS.ErrnoException) => InfrablocksError,
): Promise<RunResult> {
  const folder = runs.create(context.runId);
  try {
    const request: SupervisorRequest = {
      ...command,
      folder,
      streamOutput: config.streamOutput,
      tailFileBytes: tailFileBytes(config.outputTailBytes ?? DEFAULT_TAIL_BYTES),
      tailBatchMs: TAIL_BATCH_MS,
    };
    const { supervisor, control, closed, events, answer } = await startAnswered(config, context, request);
    if (answer.event === "spawn-failed") {
      await closed;
      throw spawnError(Object.assign(new Error(answer.message), { code: answer.code }));
    }
    events.onOutputFailed((stream, code, message) => {
      // The supervisor writes to the runner's stdout and stderr directly, so the runner learns from it
      // that one failed (its reader gone, a full disk); the destination fails as if the runner had
      // written, and the CLI stops the run.
      context[stream].destroy(Object.assign(new Error(message), { code }));
    });
    const pid = answer.pid;
    const supervisorPid = supervisor.pid as number;
    const identifier = processIdentifier(pid);
    runs.record({
      runId: context.runId,
      type: "process",
      identifier,
      pid,
      pidStartTime: processStat(pid)?.startTime ?? "0",
      supervisorPid,
      supervisorStartTime: processStat(supervisorPid)?.startTime ?? "0",
      runner: runnerIdentity(),
      startedAt: new Date().toISOString(),
    });
    context.onStarted(identifier);
    // Destinations without a file descriptor (a library caller's streams) are fed through pipes, read
    // from before the release: no output can come earlier.
    const [, , , , stdoutPipe, stderrPipe] = supervisor.stdio as unknown as (Readable | null)[];
    stdoutPipe?.pipe(context.stdout, { end: false });
    stderrPipe?.pipe(context.stderr, { end: false });
    control.write(RELEASE);
    const [code, signal] = await closed;
    const recorded = readExit(folder);
    if (recorded) return processResult(identifier, recorded.statusCode, recorded.signal);
    const failure = events.failure();
    if (failure !== undefined) {
      throw new InfrablocksError(
        "INFRASTRUCTURE_ERROR",
        `The supervisor of process ${pid} failed, so its exit status is unknown: ${failure}`,
        { blockType: "process" },
      );
    }
    // The supervisor itself was ended (kill's SIGKILL reaches the whole group): the command shared its fate.
    return processResult(
      identifier,
      statusCodeOf(code, signal),
      signal ? constants.signals[signal] : undefined,
    );
  } finally {
    runs.remove(context.runId);
  }
}

/** Follows a recorded run from now on, as the runner would have, and removes its record at the end. */
export async function attachRun(config: ProcessBlock, context: RunContext): Promise<RunResult> {
  const runs = context.stateFolder === undefined ? undefined : new RunRegistry(context.stateFolder);
  const run = runs ? runs.read(context.runId) : undefined;
  if (!runs || !run) {
    throw new InfrablocksError(
      "INFRASTRUCTURE_NOT_FOUND",
      `No process run '${context.runId}' is recorded${runs ? ` in ${runs.folder}` : ""}; 'infrablocks ps' lists the live runs.`,
      { blockType: "process" },
    );
  }
  const { host } = parseProcessIdentifier(run.identifier);
  if (host !== hostname()) {
    throw new InfrablocksError(
      "INFRASTRUCTURE_NOT_AVAILABLE",
      `Run '${run.runId}' runs on host '${host}', and this is '${hostname()}'; attach to it there.`,
      { blockType: "process" },
    );
  }
  const folder = runs.runFolder(run.runId);
  context.onStarted(run.identifier);
  // The tail first (what the dead runner may not have shown), then the output as it comes.
  const follows = config.streamOutput
    ? [await replayTail(folder, "stdout", context.stdout), await replayTail(folder, "stderr", context.stderr)]
    : [];
  const supervisor = supervisorOf(run);
  const recorded = await awaitExit(folder, supervisor.pid, supervisor.startTime);
  await Promise.all(follows.map((follow) => follow.finish()));
  runs.remove(run.runId);
  if (recorded) return processResult(run.identifier, recorded.statusCode, recorded.signal);
  return {
    identifier: run.identifier,
    statusCode: -1,
    message: `Process ${run.pid} ended without recording its exit status: it was killed together with its supervisor (SIGKILL, or the memory killer).`,
  };
}

/** The recorded runs whose process is alive; records of runs that ended unwatched are removed. */
export async function listRecordedRuns(context: ListRunsContext): Promise<RunInfo[]> {
  if (context.stateFolder === undefined) return [];
  const runs = new RunRegistry(context.stateFolder);
  const live: RunInfo[] = [];
  for (const run of runs.list()) {
    if (run.type !== "process") continue;
    const runner = runnerAlive(run.runner);
    const elsewhere = parseProcessIdentifier(run.identifier).host !== hostname();
    const supervisor = supervisorOf(run);
    if (!elsewhere && !isSameProcess(supervisor.pid, supervisor.startTime)) {
      // A live runner removes its run's folder itself once it has read the exit status.
      if (runner !== "yes") runs.remove(run.runId);
      continue;
    }
    live.push({
      runId: run.runId,
      type: run.type,
      identifier: run.identifier,
      startedAt: run.startedAt,
      runner: run.runner,
      runnerAlive: elsewhere ? "unknown" : runner,
    });
  }
  return live;
}

// --- Internal helpers ---

/** The process whose end means the exit is recorded (or never will be): the supervisor, where recorded. */
function supervisorOf(run: RecordedRun): { pid: number; startTime: string } {
  return run.supervisorPid !== undefined && run.supervisorStartTime !== undefined
    ? { pid: run.supervisorPid, startTime: run.supervisorStartTime }
    : { pid: run.pid, startTime: run.pidStartTime };
}

/** The supervisor's first answer, or `unanswered` when it ended without one. */
type SupervisorAnswer =
  | Extract<SupervisorEvent, { event: "started" | "spawn-failed" | "failed" }>
  | { event: "unanswered" };

/**
 * Starts a supervisor on the request and waits for its answer: `started` or `spawn-failed`; a
 * supervisor that failed or ended unanswered is an error. A native build that cannot run (broken, or
 * built for another machine) ends before its first word, having started nothing: the Node supervisor
 * takes this run and the next. One that ends after it may have started the command, which must not
 * run twice.
 */
async function startAnswered(config: ProcessBlock, context: RunContext, request: SupervisorRequest) {
  let chosen = supervisorCommand();
  let started = startSupervisor(chosen.program, chosen.args, config, context, request);
  let answer = await started.events.started;
  if (answer.event === "unanswered" && chosen.native && !started.events.ready()) {
    const [code, signal] = await started.closed;
    const how = started.startError() ?? signal ?? `exit status ${code}`;
    nativeUsable.set(chosen.program, false);
    context.log.warn(
      `The native process supervisor ${chosen.program} did not start (${how}); runs use the Node one, which is slower. Rebuild it: pnpm rebuild @infrablocks/infra-process.`,
    );
    chosen = supervisorCommand();
    started = startSupervisor(chosen.program, chosen.args, config, context, request);
    answer = await started.events.started;
  }
  if (answer.event === "failed" || answer.event === "unanswered") {
    await started.closed;
    throw new InfrablocksError(
      "INFRASTRUCTURE_ERROR",
      answer.event === "failed"
        ? `The process supervisor failed before starting the command: ${answer.message}`
        : `The process supervisor (${[chosen.program, ...chosen.args].join(" ")}) ended before saying whether it started the command, which was not run again (look for it with ps); reinstall @infrablocks/infra-process.`,
      { blockType: "process" },
    );
  }
  return { ...started, answer };
}

/** Starts a supervisor on the request; its answer comes with the events. */
function startSupervisor(
  program: string,
  args: string[],
  config: ProcessBlock,
  context: RunContext,
  request: SupervisorRequest,
) {
  const supervisor = spawn(program, args, {
    cwd: request.cwd,
    // Node's own settings (NODE_OPTIONS) are the runner's business, not the Node supervisor's.
    env: {},
    detached: true,
    stdio: [
      "ignore",
      "ignore",
      "ignore",
      "pipe",
      outputTarget(config, context.stdout),
      outputTarget(config, context.stderr),
    ],
  });
  const closed = new Promise<[number | null, NodeJS.Signals | null]>((done) =>
    supervisor.on("close", (code, signal) => done([code, signal])),
  );
  // A supervisor that cannot start (a binary removed or broken since) closes its channel unanswered.
  let startError: string | undefined;
  supervisor.on("error", (error: NodeJS.ErrnoException) => {
    startError = `spawn ${error.code ?? error.message}`;
  });
  const control = supervisor.stdio[3] as Socket;
  control.write(encodeRequest(request));
  return { supervisor, control, closed, events: supervisorEvents(control), startError: () => startError };
}

/**
 * The supervisor's events: first its answer (`started`, `spawn-failed`, `failed`), then perhaps
 * `output-failed`, and `failed` when it could not finish its work.
 */
function supervisorEvents(control: Socket): {
  /** Whether the supervisor said it runs (its first word, before it reads the request). */
  ready(): boolean;
  started: Promise<SupervisorAnswer>;
  onOutputFailed(listener: (stream: "stdout" | "stderr", code: string, message: string) => void): void;
  /** Why the supervisor failed after its answer, if it did. */
  failure(): string | undefined;
} {
  let text = "";
  let outputFailed: ((stream: "stdout" | "stderr", code: string, message: string) => void) | undefined;
  let ready = false;
  let answered = false;
  let failure: string | undefined;
  let settle: (answer: SupervisorAnswer) => void = () => undefined;
  const started = new Promise<SupervisorAnswer>((resolve) => {
    settle = (answer) => {
      answered = true;
      resolve(answer);
    };
  });
  // Decoded as a stream: a character split between two reads stays whole.
  control.setEncoding("utf8");
  control.on("data", (chunk: string) => {
    text += chunk;
    for (let newline = text.indexOf("\n"); newline >= 0; newline = text.indexOf("\n")) {
      const event = parseEvent(text.slice(0, newline));
      text = text.slice(newline + 1);
      if (event.event === "ready") ready = true;
      else if (event.event === "output-failed") outputFailed?.(event.stream, event.code, event.message);
      else if (event.event === "failed" && answered) failure = event.message;
      else settle(event);
    }
  });
  control.on("close", () => settle({ event: "unanswered" }));
  control.on("error", () => undefined);
  return {
    ready: () => ready,
    started,
    onOutputFailed: (listener) => (outputFailed = listener),
    failure: () => failure,
  };
}

/** One line of the supervisor's; a line that is no event (a broken build's) is its failure. */
function parseEvent(line: string): SupervisorEvent {
  try {
    const event = JSON.parse(line) as SupervisorEvent;
    if (typeof event?.event === "string") return event;
  } catch {}
  return {
    event: "failed",
    message: `it wrote ${JSON.stringify(line.slice(0, 80))} on its channel, which is no event; reinstall @infrablocks/infra-process.`,
  };
}

/**
 * Where the supervisor's output goes. A destination backed by a file descriptor (the CLI's stdout
 * and stderr) is handed down as is: the bytes reach it without passing through the runner, with the
 * kernel's own backpressure. Any other stream is fed through a pipe.
 */
export function outputTarget(config: ProcessBlock, destination: Writable): "ignore" | "pipe" | number {
  if (!config.streamOutput) return "ignore";
  const fd = (destination as Writable & { fd?: unknown }).fd;
  return typeof fd === "number" ? fd : "pipe";
}

/** Copies the older tail file, then follows the current one; returns the follow. */
async function replayTail(
  folder: string,
  stream: "stdout" | "stderr",
  destination: Writable,
): Promise<FileFollow> {
  const files = tailFiles(folder, stream);
  const previous = readIfThere(files.previous);
  if (previous && previous.length > 0 && !destination.write(previous)) await once(destination, "drain");
  return followFile(files.current, destination);
}

/**
 * The exit the supervisor recorded, as a status: a command ended by signal N reads as -N, as Prefect
 * reports it (`run` exits 128+N).
 */
function readExit(folder: string): { statusCode: number; signal?: number } | undefined {
  const text = readIfThere(join(folder, EXIT_FILE));
  if (text === undefined) return undefined;
  const exit = JSON.parse(text.toString("utf8")) as RecordedExit;
  const signal = exit.signal ? constants.signals[exit.signal] : undefined;
  return signal ? { statusCode: -signal, signal } : { statusCode: exit.code ?? -1 };
}

/** Waits for the supervisor to record the exit (woken by inotify), or to vanish without doing so. */
async function awaitExit(
  folder: string,
  pid: number,
  startTime: string,
): Promise<{ statusCode: number; signal?: number } | undefined> {
  let wake: (() => void) | undefined;
  let changed = false;
  const onChange = () => {
    changed = true;
    wake?.();
  };
  const watcher = watch(folder, onChange);
  watcher.on("error", onChange);
  try {
    for (;;) {
      changed = false;
      const recorded = readExit(folder);
      if (recorded) return recorded;
      if (!isSameProcess(pid, startTime)) return readExit(folder);
      if (changed) continue;
      await new Promise<void>((done) => {
        const timer = setTimeout(done, LIVENESS_CHECK_MS);
        wake = () => {
          clearTimeout(timer);
          done();
        };
      });
      wake = undefined;
    }
  } finally {
    watcher.close();
  }
}

/**
 * A file of the run's folder, if it is there. Read in place, as the folder's other files are: a small local
 * read costs less than its round trip through libuv's thread pool, and a process run then needs no
 * node:fs/promises (1.4 ms to load, BENCHMARKS.md).
 */
function readIfThere(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}
