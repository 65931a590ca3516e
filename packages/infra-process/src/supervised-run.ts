import { spawn } from "node:child_process";
import { once } from "node:events";
import { accessSync, constants as fsConstants, watch } from "node:fs";
import { readFile } from "node:fs/promises";
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
import { tailFiles } from "./output-tail.js";
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
// compiler built it) and dist/supervisor.js (Node, the fallback).
const DIST = new URL(import.meta.url.endsWith(".ts") ? "../dist/" : "./", import.meta.url);
const NATIVE_SUPERVISOR = fileURLToPath(new URL("supervisor", DIST));
const NODE_SUPERVISOR = fileURLToPath(new URL("supervisor.js", DIST));

/** Which supervisor runs: the native one where it is built; tests set `node` to test the fallback too. */
export const supervisorChoice: { kind: "native-if-built" | "node" } = { kind: "native-if-built" };

let nativeBuilt: boolean | undefined;

/** The supervisor's program and arguments. */
function supervisorCommand(): [string, string[]] {
  if (supervisorChoice.kind === "native-if-built") {
    nativeBuilt ??= isExecutable(NATIVE_SUPERVISOR);
    if (nativeBuilt) return [NATIVE_SUPERVISOR, []];
  }
  return [process.execPath, [NODE_SUPERVISOR]];
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
  const folder = await runs.create(context.runId);
  try {
    const [program, args] = supervisorCommand();
    const supervisor = spawn(program, args, {
      cwd: command.cwd,
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
    supervisor.on("error", () => undefined);
    const control = supervisor.stdio[3] as Socket;
    const request: SupervisorRequest = {
      ...command,
      folder,
      streamOutput: config.streamOutput,
      tailBytes: config.outputTailBytes ?? DEFAULT_TAIL_BYTES,
    };
    control.write(encodeRequest(request));
    const events = supervisorEvents(control);
    const started = await events.started;
    if (started.event === "spawn-failed") {
      await closed;
      throw spawnError(Object.assign(new Error(started.message), { code: started.code }));
    }
    events.onReaderGone(() => {
      // The supervisor writes to the runner's stdout directly, so the runner learns of a reader that
      // went away from it; the destination fails as if the runner had written (the CLI stops the run).
      context.stdout.destroy(Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
    });
    const pid = started.pid;
    const supervisorPid = supervisor.pid as number;
    const identifier = processIdentifier(pid);
    await runs.record({
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
    const recorded = await readExit(folder);
    if (recorded) return processResult(identifier, recorded.statusCode, recorded.signal);
    // The supervisor itself was ended (kill's SIGKILL reaches the whole group): the command shared its fate.
    return processResult(
      identifier,
      statusCodeOf(code, signal),
      signal ? constants.signals[signal] : undefined,
    );
  } finally {
    await runs.remove(context.runId);
  }
}

/** Follows a recorded run from now on, as the runner would have, and removes its record at the end. */
export async function attachRun(config: ProcessBlock, context: RunContext): Promise<RunResult> {
  const runs = context.stateFolder === undefined ? undefined : new RunRegistry(context.stateFolder);
  const run = runs ? await runs.read(context.runId) : undefined;
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
  await runs.remove(run.runId);
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
  for (const run of await runs.list()) {
    if (run.type !== "process") continue;
    const runner = runnerAlive(run.runner);
    const elsewhere = parseProcessIdentifier(run.identifier).host !== hostname();
    const supervisor = supervisorOf(run);
    if (!elsewhere && !isSameProcess(supervisor.pid, supervisor.startTime)) {
      // A live runner removes its run's folder itself once it has read the exit status.
      if (runner !== "yes") await runs.remove(run.runId);
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

/** The supervisor's answers: first `started` or `spawn-failed`, then perhaps `reader-gone`. */
function supervisorEvents(control: Socket): {
  started: Promise<Extract<SupervisorEvent, { event: "started" | "spawn-failed" }>>;
  onReaderGone(listener: () => void): void;
} {
  let text = "";
  let readerGone: (() => void) | undefined;
  let settle: (event: Extract<SupervisorEvent, { event: "started" | "spawn-failed" }>) => void = () =>
    undefined;
  const started = new Promise<Extract<SupervisorEvent, { event: "started" | "spawn-failed" }>>((resolve) => {
    settle = resolve;
  });
  control.on("data", (chunk: Buffer) => {
    text += String(chunk);
    for (let newline = text.indexOf("\n"); newline >= 0; newline = text.indexOf("\n")) {
      const event = JSON.parse(text.slice(0, newline)) as SupervisorEvent;
      text = text.slice(newline + 1);
      if (event.event === "reader-gone") readerGone?.();
      else settle(event);
    }
  });
  // A supervisor that ends before answering could not start (no Node, a bad install).
  control.on("close", () =>
    settle({
      event: "spawn-failed",
      code: undefined,
      message: "the process supervisor ended before starting the command",
    }),
  );
  control.on("error", () => undefined);
  return { started, onReaderGone: (listener) => (readerGone = listener) };
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
  const previous = await readFile(files.previous).catch(() => undefined);
  if (previous && previous.length > 0 && !destination.write(previous)) await once(destination, "drain");
  return followFile(files.current, destination);
}

/**
 * The exit the supervisor recorded, as a status: a command ended by signal N reads as -N, as Prefect
 * reports it (`run` exits 128+N).
 */
async function readExit(folder: string): Promise<{ statusCode: number; signal?: number } | undefined> {
  const text = await readFile(join(folder, EXIT_FILE), "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  const exit = JSON.parse(text) as RecordedExit;
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
      const recorded = await readExit(folder);
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
