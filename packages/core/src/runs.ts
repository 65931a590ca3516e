import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { hostname } from "node:os";
import { InfrablocksError } from "./errors.js";

/** The variable that tells the infrastructure its run id. */
export const RUN_ID_VARIABLE = "INFRABLOCKS_RUN_ID";

// A Kubernetes label value (and so a Docker label, a file name and an environment value alike):
// 1 to 63 characters of [A-Za-z0-9._-], starting and ending with a letter or digit.
const RUN_ID = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;

/** A fresh run id: a random (version 4) UUID. */
export function newRunId(): string {
  const bytes = randomBytes16();
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = Buffer.from(bytes).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * 16 bytes from the kernel's random source where it has one: the global `crypto` (or node:crypto) would
 * load OpenSSL, 2 to 3 ms of every run's start-up (BENCHMARKS.md); elsewhere (Windows), from it.
 */
function randomBytes16(): Uint8Array {
  const bytes = new Uint8Array(16);
  try {
    const fd = openSync("/dev/urandom", "r");
    try {
      if (readSync(fd, bytes, 0, 16, null) === 16) return bytes;
    } finally {
      closeSync(fd);
    }
  } catch {
    // No /dev/urandom: the Web Crypto below.
  }
  return globalThis.crypto.getRandomValues(bytes);
}

/** Returns the run id when it is valid; else an INVALID_RUN_ID error that shows it and the rule. */
export function assertRunId(runId: string): string {
  if (!RUN_ID.test(runId)) {
    const shown = runId.length > 80 ? `${JSON.stringify(runId.slice(0, 80))}…` : JSON.stringify(runId);
    throw new InfrablocksError(
      "INVALID_RUN_ID",
      `run id ${shown} is not valid: use 1 to 63 letters, digits, '.', '_' or '-', starting and ending with a letter or digit (it becomes a label value).`,
    );
  }
  return runId;
}

/** The environment every infrastructure of a run gets: the base environment plus its run id. */
export function runEnvironment(context: {
  baseEnvironment: Readonly<Record<string, string>>;
  runId: string;
}): Record<string, string> {
  return { ...context.baseEnvironment, [RUN_ID_VARIABLE]: assertRunId(context.runId) };
}

/** Whether the process that started a run still runs: `unknown` when it ran on another host. */
export type RunnerAlive = "yes" | "no" | "unknown";

/**
 * A process's state letter and start time (in clock ticks since boot, field 22 of /proc/<pid>/stat),
 * or undefined when there is no such process or no /proc. The start time tells a process from a
 * later one that reuses its pid.
 */
export function processStat(pid: number): { state: string; startTime: string } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces; fields 3 onwards follow it.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const [state, startTime] = [fields[0], fields[19]];
  return state && startTime ? { state, startTime } : undefined;
}

/** Whether the process `pid` that started at `startTime` still runs (a zombie has ended). */
export function isSameProcess(pid: number, startTime: string): boolean {
  const stat = processStat(pid);
  if (stat) return stat.startTime === startTime && stat.state !== "Z";
  // Without /proc (not Linux) the start time is recorded as "0" and the pid alone must do.
  return startTime === "0" && isProcessRunning(pid);
}

/** Whether process `pid` exists and has not ended (a zombie has ended; it only waits to be collected). */
export function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  return processStat(pid)?.state !== "Z";
}

let ownIdentity: string | undefined;

/** `<hostname>:<pid>:<process start time>` of this process: who runs the runs it starts. */
export function runnerIdentity(): string {
  ownIdentity ??= `${hostname()}:${process.pid}:${processStat(process.pid)?.startTime ?? "0"}`;
  return ownIdentity;
}

/** Whether the runner a run recorded is alive; a missing or malformed identity is `unknown`. */
export function runnerAlive(identity: string | undefined): RunnerAlive {
  const match = identity === undefined ? null : /^(.+):([1-9][0-9]*):([0-9]+)$/.exec(identity);
  if (!match || match[1] !== hostname()) return "unknown";
  return isSameProcess(Number(match[2]), match[3] as string) ? "yes" : "no";
}
