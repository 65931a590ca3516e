import { spawn } from "node:child_process";
import { watch } from "node:fs";
import { once } from "node:events";
import { access, constants as fsConstants, readFile, stat, writeFile } from "node:fs/promises";
import { constants, hostname } from "node:os";
import { join, resolve } from "node:path";
import type { Readable } from "node:stream";
import {
  InfrablocksError,
  isSameProcess,
  type ListRunsContext,
  processStat,
  type RecordedRun,
  type RunContext,
  type RunInfo,
  type RunRegistry,
  type RunResult,
  runnerAlive,
  runnerIdentity,
} from "@infrablocks/core";
import { processResult, statusCodeOf } from "./exit-hints.js";
import { followFile } from "./file-follow.js";
import { parseProcessIdentifier, processIdentifier } from "./identifier.js";
import type { ProcessBlock } from "./process-block.js";

/**
 * Runs the command for the runner, which may die: a process that is not one's child cannot be waited
 * for, and a pipe dies with its reader. So the command's parent is this POSIX sh shim, which records
 * its exit status in the run's folder, and its output goes to files there that any runner can follow.
 * Its arguments arrive as "$@", never inside the script. A trapped signal (kill's SIGTERM reaches the
 * whole process group) lets the shim wait for the command's end and record it; the subshell resets
 * the traps to the defaults. Inside it, a second sh learns its own pid (the subshell's `$$` is the
 * shim's), hands it to the runner on fd 3 and execs the command in place: the identifier's pid is the
 * command's own, and `exec` runs the external command even where sh has a builtin of that name.
 */
const SHIM = `status=$1 out=$2 err=$3
shift 3
trap : TERM INT HUP
( exec sh -c 'printf "%s\\n" "$$" >&3; exec "$@" 3>&-' infrablocks-command "$@" ) >"$out" 2>"$err"
code=$?
printf '%s\n' "$code" >"$status.tmp" && mv -f "$status.tmp" "$status"
exit "$code"`;

/** Without pidfds in Node, a shim killed by SIGKILL (it records nothing) is noticed by this check. */
const LIVENESS_CHECK_MS = 2_000;

export interface ProcessCommand {
  executable: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

/** A `process` run recorded in the registry, which `attach` can take over should the runner die. */
export async function supervisedRun(
  config: ProcessBlock,
  command: ProcessCommand,
  context: RunContext,
  runs: RunRegistry,
  spawnError: (error: NodeJS.ErrnoException) => InfrablocksError,
): Promise<RunResult> {
  // The shim would only print "not found" into the run's output: the caller is told, as for a bare spawn.
  await assertExecutable(command, spawnError);
  const files = runFiles(await runs.create(context.runId));
  try {
    const output = config.streamOutput ? [files.stdout, files.stderr] : ["/dev/null", "/dev/null"];
    // Created before the start, so that followers can watch them from the first byte.
    if (config.streamOutput) await Promise.all(output.map((file) => writeFile(file, "", { mode: 0o600 })));
    const child = spawn(
      "/bin/sh",
      ["-c", SHIM, "infrablocks-run", files.status, ...output, command.executable, ...command.args],
      {
        cwd: command.cwd,
        env: command.env,
        // A process group of its own, which kill reaches as a whole; and a session, so it outlives the runner.
        detached: true,
        stdio: ["ignore", "ignore", "ignore", "pipe"],
      },
    );
    const closed = new Promise<[number | null, NodeJS.Signals | null]>((done) =>
      child.on("close", (code, signal) => done([code, signal])),
    );
    await Promise.race([
      once(child, "spawn"),
      once(child, "error").then(([error]) => Promise.reject(error)),
    ]).catch((error: NodeJS.ErrnoException) => {
      throw spawnError(error);
    });
    const supervisorPid = child.pid as number;
    const pid = await commandPid(child.stdio[3] as Readable);
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
    const follows = config.streamOutput
      ? [
          followFile(files.stdout, context.stdout, { fromEnd: false }),
          followFile(files.stderr, context.stderr, { fromEnd: false }),
        ]
      : [];
    const [code, signal] = await closed;
    await Promise.all(follows.map((follow) => follow.finish()));
    const recorded = await readStatus(files.status);
    if (recorded) return processResult(identifier, recorded.statusCode, recorded.signal);
    // The shim itself was ended (kill's SIGKILL reaches the whole group): the command shared its fate.
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
  const runs = context.runs;
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
  const files = runFiles(runs.runFolder(run.runId));
  context.onStarted(run.identifier);
  const streamed =
    config.streamOutput &&
    (await stat(files.stdout).then(
      () => true,
      () => false,
    ));
  // From now on: what the command printed before was the dead runner's to show.
  const follows = streamed
    ? [
        followFile(files.stdout, context.stdout, { fromEnd: true }),
        followFile(files.stderr, context.stderr, { fromEnd: true }),
      ]
    : [];
  const supervisor = supervisorOf(run);
  const recorded = await awaitStatus(files.status, supervisor.pid, supervisor.startTime);
  await Promise.all(follows.map((follow) => follow.finish()));
  await runs.remove(run.runId);
  if (recorded) return processResult(run.identifier, recorded.statusCode, recorded.signal);
  return {
    identifier: run.identifier,
    statusCode: -1,
    message: `Process ${run.pid} ended without recording its exit status: it was killed together with its supervising shell (SIGKILL, or the memory killer).`,
  };
}

/** The recorded runs whose process is alive; records of runs that ended unwatched are removed. */
export async function listRecordedRuns(context: ListRunsContext): Promise<RunInfo[]> {
  const live: RunInfo[] = [];
  for (const run of await context.runs.list()) {
    if (run.type !== "process") continue;
    const runner = runnerAlive(run.runner);
    const elsewhere = parseProcessIdentifier(run.identifier).host !== hostname();
    const supervisor = supervisorOf(run);
    if (!elsewhere && !isSameProcess(supervisor.pid, supervisor.startTime)) {
      // A live runner removes its run's folder itself once it has read the exit status.
      if (runner !== "yes") await context.runs.remove(run.runId);
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

/** The process whose end means the status is recorded (or never will be): the shim, where recorded. */
function supervisorOf(run: RecordedRun): { pid: number; startTime: string } {
  return run.supervisorPid !== undefined && run.supervisorStartTime !== undefined
    ? { pid: run.supervisorPid, startTime: run.supervisorStartTime }
    : { pid: run.pid, startTime: run.pidStartTime };
}

/** The command's pid, which the shim's inner sh writes to fd 3 just before it execs the command. */
async function commandPid(channel: Readable): Promise<number> {
  let text = "";
  for await (const chunk of channel) {
    text += String(chunk);
    if (text.includes("\n")) break;
  }
  channel.destroy();
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0) {
    throw new InfrablocksError(
      "INFRASTRUCTURE_ERROR",
      "The process supervisor ended before starting the command.",
      {
        blockType: "process",
      },
    );
  }
  return pid;
}

function runFiles(folder: string): { status: string; stdout: string; stderr: string } {
  return { status: join(folder, "status"), stdout: join(folder, "stdout"), stderr: join(folder, "stderr") };
}

/**
 * The status the shim recorded. sh reports a command ended by signal N as 128+N, so such a status
 * reads as the signal (-N, as Prefect reports it); `run` exits 128+N either way.
 */
async function readStatus(file: string): Promise<{ statusCode: number; signal?: number } | undefined> {
  const text = await readFile(file, "utf8").catch(() => undefined);
  const status = Number(text?.trim());
  if (text === undefined || !Number.isInteger(status)) return undefined;
  const signal = status - 128;
  return signal > 0 && Object.values(constants.signals).includes(signal)
    ? { statusCode: -signal, signal }
    : { statusCode: status };
}

/** Waits for the shim to record the exit status (woken by inotify), or to vanish without doing so. */
async function awaitStatus(
  file: string,
  pid: number,
  startTime: string,
): Promise<{ statusCode: number; signal?: number } | undefined> {
  let wake: (() => void) | undefined;
  let changed = false;
  const onChange = () => {
    changed = true;
    wake?.();
  };
  const watcher = watch(join(file, ".."), onChange);
  watcher.on("error", onChange);
  try {
    for (;;) {
      changed = false;
      const recorded = await readStatus(file);
      if (recorded) return recorded;
      if (!isSameProcess(pid, startTime)) return readStatus(file);
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

/** What spawn would find: the executable on the command's PATH, or at its path relative to cwd. */
async function assertExecutable(
  command: ProcessCommand,
  spawnError: (error: NodeJS.ErrnoException) => InfrablocksError,
): Promise<void> {
  const { executable, cwd } = command;
  const candidates = executable.includes("/")
    ? [resolve(cwd, executable)]
    : (command.env.PATH ?? "")
        .split(":")
        .filter(Boolean)
        .map((folder) => resolve(cwd, folder, executable));
  let denied: NodeJS.ErrnoException | undefined;
  for (const candidate of candidates) {
    if (
      !(await stat(candidate).then(
        (info) => info.isFile(),
        () => false,
      ))
    )
      continue;
    try {
      await access(candidate, fsConstants.X_OK);
      return;
    } catch (error) {
      denied ??= error as NodeJS.ErrnoException;
    }
  }
  throw spawnError(denied ?? Object.assign(new Error(`spawn ${executable} ENOENT`), { code: "ENOENT" }));
}
