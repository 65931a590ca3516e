import { hostname } from "node:os";
import { InfrablocksError, isProcessRunning, isSameProcess, processStat } from "@infrablocks/core/runtime";
import { parseProcessIdentifier } from "./identifier.js";
import { ancestorPids, hasProcfs, processLinks } from "./process-tree.js";
import { type RecordedRun, RunRegistry } from "./run-registry.js";

/** A process as `kill` first saw it: the start time tells it from a later one that reuses its pid. */
export interface SeenProcess {
  pid: number;
  /** Field 22 of /proc/<pid>/stat; "0" without /proc, where the pid alone must do (as the registry records it). */
  startTime: string;
}

/** What `kill` may signal: a run's process and, where infrablocks made one for the run, its process group. */
export interface KillTarget extends SeenProcess {
  /** The group signalled as a whole, named by its leader; none for a process that merely shares a group. */
  group?: SeenProcess;
}

/**
 * Checks that `pid` is a run this caller may kill, and what to signal for it. Refused, as not found
 * (no run has that pid): the caller itself, its ancestors and its own group's leader, init (pid 1),
 * and any process that is not a run. With a state folder (the CLI's) a run is what the registry
 * records, its start time included, so a pid reused since is refused too.
 */
export async function killTarget(pid: number, stateFolder: string | undefined): Promise<KillTarget> {
  refuseCaller(pid);
  if (!isProcessRunning(pid)) throw goneError(pid);
  const seen = { pid, startTime: processStat(pid)?.startTime ?? "0" };
  let run: RecordedRun | undefined;
  if (stateFolder === undefined) refuseStranger(pid);
  else run = await recordedRun(seen, new RunRegistry(stateFolder));
  const group = groupOf(seen, run);
  return group && signallableGroup(group.pid) ? { ...seen, group } : seen;
}

/** The error of a kill whose process is not there (any more). */
export function goneError(pid: number): InfrablocksError {
  return new InfrablocksError(
    "INFRASTRUCTURE_NOT_FOUND",
    `Unable to kill process ${pid}: no such process; it has probably ended already.`,
    { blockType: "process" },
  );
}

// --- Internal helpers ---

/**
 * Never the caller's own kin: signalling pid 1's group (0) or the caller's group would take the
 * caller (a batch script's `infrablocks kill`) down with it, and an ancestor is the shell that runs it.
 */
function refuseCaller(pid: number): void {
  const why = callerRelation(pid);
  if (why === undefined) return;
  throw new InfrablocksError(
    "INFRASTRUCTURE_NOT_FOUND",
    `Refusing to kill process ${pid}: it is ${why}, not a run infrablocks started. Check the identifier: 'infrablocks ps' lists the runs it can stop.`,
    { blockType: "process" },
  );
}

function callerRelation(pid: number): string | undefined {
  if (pid <= 1) return "the init process (pid 1) of this machine or container";
  if (pid === process.pid) return "this very process";
  // Without /proc the parent is all that is known of the ancestry.
  if (pid === process.ppid || ancestorPids(process.pid).includes(pid)) {
    return "an ancestor of this process (the shell or program that started it)";
  }
  if (pid === processLinks(process.pid)?.group) return "the leader of this process's own process group";
  return undefined;
}

/**
 * Without a state folder (library use) no run is recorded, and none outlives its runner: `run` hosts
 * the command in the caller's own process, as a child (or, given a state folder, a supervisor's
 * child). So the runs a caller can kill are its own descendants, and any other pid is not a run. A
 * caller that kills runs another process started passes the state folder they were recorded in.
 * Without /proc (not Linux) the ancestry is unknown and the pid is taken as the caller's.
 */
function refuseStranger(pid: number): void {
  if (!hasProcfs() || ancestorPids(pid).includes(process.pid)) return;
  throw new InfrablocksError(
    "INFRASTRUCTURE_NOT_FOUND",
    `Unable to kill process ${pid}: it is not a run of this process (none of its descendants), and without a state folder no other run is known. Pass the state folder the run was recorded in (the CLI's is $INFRABLOCKS_HOME/state/process).`,
    { blockType: "process" },
  );
}

/** The registry's record of the run whose process is `seen`; refused when there is none. */
async function recordedRun(seen: SeenProcess, runs: RunRegistry): Promise<RecordedRun> {
  const withPid = runs
    .list()
    .filter(
      (run) =>
        run.type === "process" &&
        run.pid === seen.pid &&
        parseProcessIdentifier(run.identifier).host === hostname(),
    );
  const run = withPid.find((candidate) => isSameProcess(candidate.pid, candidate.pidStartTime));
  if (run) return run;
  // It ended between the first look and this one: a zombie, or gone.
  if (!isProcessRunning(seen.pid)) throw goneError(seen.pid);
  const why =
    withPid.length > 0
      ? `the run '${withPid[0]?.runId}' that had this pid has ended, and another process reuses it`
      : `it is not a run infrablocks started on this host (none is recorded in ${runs.folder})`;
  throw new InfrablocksError(
    "INFRASTRUCTURE_NOT_FOUND",
    `Unable to kill process ${seen.pid}: ${why}. 'infrablocks ps' lists the runs it can stop.`,
    { blockType: "process" },
  );
}

/**
 * The group to signal as a whole: the process's own when it leads one (a bare run), or its recorded
 * supervisor's, which leads the session a supervised run's command shares. A group the process merely
 * joined (a shell job's, a service manager's) is not the run's to end: the pid and its descendants are.
 * Without /proc, the pid's own group: a group numbered pid exists only while pid leads it or its members
 * live on (no pid is reused meanwhile), so the signal reaches no stranger.
 */
function groupOf(seen: SeenProcess, run: RecordedRun | undefined): SeenProcess | undefined {
  const links = processLinks(seen.pid);
  if (!links) return hasProcfs() ? undefined : seen;
  if (links.group === seen.pid) return seen;
  const supervisor = run?.supervisorPid;
  if (supervisor === undefined || run?.supervisorStartTime === undefined) return undefined;
  const leadsRunGroup =
    links.group === supervisor &&
    links.parent === supervisor &&
    processLinks(supervisor)?.group === supervisor &&
    isSameProcess(supervisor, run.supervisorStartTime);
  return leadsRunGroup ? { pid: supervisor, startTime: run.supervisorStartTime } : undefined;
}

/** Not group 0 (the caller's), not -1 (everyone) nor init's, and not the caller's own group. */
function signallableGroup(group: number): boolean {
  return group > 1 && group !== processLinks(process.pid)?.group;
}
