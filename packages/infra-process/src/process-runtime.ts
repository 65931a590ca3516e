import type { StdioOptions } from "node:child_process";
import { mkdtempSync, statSync } from "node:fs";
import { constants, hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  type Infrastructure,
  InfrablocksError,
  inheritedEnvironment,
  isSameProcess,
  type KillContext,
  maskEnvironment,
  mergeEnvironment,
  type PreviewContext,
  processStat,
  type RunContext,
  type RunResult,
  requireCommand,
  runEnvironment,
} from "@infrablocks/core/runtime";
import { startCommand } from "./command-spawn.js";
import { processResult, statusCodeOf } from "./exit-hints.js";
import { removeFolder } from "./remove-folder.js";
import { RunRegistry } from "./run-registry.js";
import { parseProcessIdentifier, processIdentifier } from "./identifier.js";
import type { ProcessBlock } from "./process-block.js";
import { goneError, killTarget, type SeenProcess } from "./kill-target.js";
import { descendantPids } from "./process-tree.js";
import { shellQuote } from "./shell-quote.js";
import { attachRun, listRecordedRuns, outputTarget, supervisedRun } from "./supervised-run.js";

export const processInfrastructure: Infrastructure<ProcessBlock> = {
  run,
  preview,
  kill,
  attach: attachRun,
  listRuns: (_config, context) => listRecordedRuns(context),
};

async function run(config: ProcessBlock, context: RunContext): Promise<RunResult> {
  const [executable, ...args] = requireCommand("process", config.command) as [string, ...string[]];
  // One mkdir syscall: done in place, it costs less than a round trip through libuv's thread pool.
  const workingDir = config.workingDir ?? mkdtempSync(join(tmpdir(), "infrablocks-"));
  try {
    if (config.workingDir) assertDirectory(config.workingDir);
    const env = mergeEnvironment(inheritedEnvironment(), runEnvironment(context), config.env);
    // Two hosts for one command start: a run with a state folder (the CLI's) is recorded and hosted by
    // a supervisor, so that it outlives its runner and can be re-attached; a library run is hosted by
    // the caller's own process, which hands fd-backed destinations to the command with no copy.
    if (context.stateFolder !== undefined) {
      const command = { executable, args, cwd: workingDir, env };
      const runs = new RunRegistry(context.stateFolder);
      return await supervisedRun(config, command, context, runs, (error) => spawnError(executable, error));
    }
    const stdio: StdioOptions = [
      "ignore",
      outputTarget(config, context.stdout),
      outputTarget(config, context.stderr),
    ];
    const { child, closed } = await startCommand({ executable, args, cwd: workingDir, env }, stdio, {
      ownProcessGroup: true,
    }).catch((error: NodeJS.ErrnoException) => {
      throw spawnError(executable, error);
    });
    const identifier = processIdentifier(child.pid as number);
    context.onStarted(identifier);
    // `pipe` honours backpressure; `end: false` leaves the caller's streams open for what follows.
    child.stdout?.pipe(context.stdout, { end: false });
    child.stderr?.pipe(context.stderr, { end: false });
    const { code, signal } = await closed;
    return processResult(
      identifier,
      statusCodeOf(code, signal),
      signal ? constants.signals[signal] : undefined,
    );
  } finally {
    if (!config.workingDir) removeFolder(workingDir);
  }
}

async function preview(config: ProcessBlock, context: PreviewContext): Promise<string> {
  const command = requireCommand("process", config.command);
  // Only what the block adds: the inherited OS environment is the caller's own business.
  const env = maskEnvironment(mergeEnvironment(context.baseEnvironment, config.env));
  const entries = Object.entries(env);
  // A shell assigns only names like LOG_LEVEL; `env` takes any other (`VÄR=ü`) as an argument.
  const assignments = entries.map(([name, value]) =>
    SHELL_NAME.test(name) ? `${name}=${shellQuote(value)}` : shellQuote(`${name}=${value}`),
  );
  const lines = entries.every(([name]) => SHELL_NAME.test(name)) ? assignments : ["env", ...assignments];
  lines.push(command.map(shellQuote).join(" "));
  return lines.join(" \\\n");
}

/** A name the shell assigns as `NAME=value`. */
const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

async function kill(_config: ProcessBlock, identifier: string, context: KillContext): Promise<void> {
  const { host, pid } = parseProcessIdentifier(identifier);
  if (host !== hostname()) {
    throw new InfrablocksError(
      "INFRASTRUCTURE_NOT_AVAILABLE",
      `Unable to kill process ${pid}: it runs on host '${host}', and this is '${hostname()}'.`,
      { blockType: "process" },
    );
  }
  const target = await killTarget(pid, context.stateFolder);
  const members = treeOf(target);
  if (!signalAll(target.group, members, "SIGTERM")) throw goneError(pid);
  if (await allGone(members, context.graceSeconds * 1000)) return;
  const stubborn = union(members, treeOf(target));
  context.log.warn(`Process ${pid} outlived its ${context.graceSeconds}s grace period; sending SIGKILL.`);
  signalAll(target.group, stubborn, "SIGKILL");
  if (!(await allGone(stubborn, 5000))) {
    throw new InfrablocksError(
      "INFRASTRUCTURE_ERROR",
      `Process ${pid} or one of its children survived SIGKILL (an uninterruptible wait?).`,
      { blockType: "process" },
    );
  }
}

// --- Internal helpers ---

function assertDirectory(path: string): void {
  if (!statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
    throw new InfrablocksError("INVALID_DOCUMENT", `workingDir: '${path}' is not an existing directory.`, {
      blockType: "process",
      issues: [`workingDir: '${path}' is not an existing directory`],
    });
  }
}

function spawnError(executable: string, error: NodeJS.ErrnoException): InfrablocksError {
  if (error.code === "ENOENT") {
    return new InfrablocksError(
      "EXECUTABLE_NOT_FOUND",
      `command.0: executable '${executable}' was not found${executable.includes("/") ? "" : " on PATH"}.`,
      { blockType: "process", cause: error },
    );
  }
  return new InfrablocksError(
    "INFRASTRUCTURE_ERROR",
    `command.0: could not start '${executable}': ${error.code === "EACCES" ? "permission denied (is it executable?)" : error.message}.`,
    { blockType: "process", cause: error },
  );
}

/**
 * The target and its descendants as they are now; none once the target is gone, since the
 * descendants of a pid reused since would be a stranger's.
 */
function treeOf(target: SeenProcess): SeenProcess[] {
  if (!isSameProcess(target.pid, target.startTime)) return [];
  return [target, ...descendantPids(target.pid).map(seenNow)];
}

/** Both lists, each pid once; the later sighting wins (a descendant started at a reused pid is one too). */
function union(earlier: SeenProcess[], later: SeenProcess[]): SeenProcess[] {
  return [...new Map([...earlier, ...later].map((seen) => [seen.pid, seen])).values()];
}

function seenNow(pid: number): SeenProcess {
  return { pid, startTime: processStat(pid)?.startTime ?? "0" };
}

/**
 * Signals the run's process group, if it has one, and each member still the process first seen (a pid
 * reused during the grace period is a stranger's); true when anything was there to signal.
 */
function signalAll(group: SeenProcess | undefined, members: SeenProcess[], signal: NodeJS.Signals): boolean {
  let reached = group !== undefined && !replaced(group) && send(-group.pid, signal);
  for (const member of members) {
    if (isSameProcess(member.pid, member.startTime)) reached = send(member.pid, signal) || reached;
  }
  return reached;
}

/**
 * Whether another process now has the pid of a group's leader. A leader that is merely gone leaves
 * its group (no pid is reused while a group of that number lives), which may still be signalled.
 */
function replaced(leader: SeenProcess): boolean {
  const now = processStat(leader.pid)?.startTime;
  return now !== undefined && now !== leader.startTime;
}

function send(target: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(target, signal);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ESRCH") return false;
    if (code === "EPERM") {
      throw new InfrablocksError(
        "INFRASTRUCTURE_NOT_AVAILABLE",
        `Unable to kill process ${Math.abs(target)}: not permitted (it belongs to another user).`,
        { blockType: "process", cause: error },
      );
    }
    throw error;
  }
}

async function allGone(members: SeenProcess[], withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const alive = members.map((member) => isSameProcess(member.pid, member.startTime));
    if (!alive.includes(true)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
}
