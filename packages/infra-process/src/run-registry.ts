import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { assertRunId, InfrablocksError, isSameProcess } from "@infrablocks/core/runtime";
import { removeFolder } from "./remove-folder.js";

/** What the registry records of a run whose infrastructure is a local process. */
export interface RecordedRun {
  runId: string;
  /** The block type slug of the document the run was started from. */
  type: string;
  identifier: string;
  pid: number;
  /** The process's start time (/proc/<pid>/stat field 22), so that a reused pid is not taken for it. */
  pidStartTime: string;
  /** The process that waits for the command and records its status (a `process` run's supervisor), if any. */
  supervisorPid?: number;
  supervisorStartTime?: string;
  /** `<hostname>:<pid>:<start time>` of the runner. */
  runner: string;
  /** ISO 8601. */
  startedAt: string;
}

const ENTRY = "run.json";

/**
 * `process` runs that must be findable after their runner dies, in the driver's state folder, one
 * folder per run: the entry `run.json` (written atomically), and what the supervisor keeps beside it
 * (the output's tail and the exit). The runner removes the folder when the run ends normally;
 * `listRuns` removes the folders of runs that ended while nobody watched. Docker and Kubernetes runs
 * need no registry: their labels are the record.
 */
export class RunRegistry {
  /** The driver's state folder (`$INFRABLOCKS_HOME/state/process` for the CLI). */
  readonly folder: string;

  constructor(folder: string) {
    this.folder = folder;
  }

  /** The folder of a run, where it keeps its files. */
  runFolder(runId: string): string {
    return join(this.folder, assertRunId(runId));
  }

  /**
   * Creates a run's folder; a run id in use by a live run is refused, and the leftovers of an ended
   * one are replaced.
   */
  create(runId: string): string {
    const folder = this.runFolder(runId);
    mkdirSync(this.folder, { recursive: true, mode: 0o700 });
    try {
      mkdirSync(folder, { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw registryError(`create ${folder}`, error);
      const existing = this.read(runId);
      if (existing && isSameProcess(existing.pid, existing.pidStartTime)) {
        throw new InfrablocksError(
          "INVALID_RUN_ID",
          `run id '${runId}' is in use by a live run (${existing.identifier}); choose another.`,
        );
      }
      this.remove(runId);
      mkdirSync(folder, { mode: 0o700 });
    }
    return folder;
  }

  /**
   * Writes a run's entry: readers see the old entry or the new one, never part of one. Not synced to
   * the disk: what would lose it (a power loss, a kernel crash) ends the recorded process too, and a
   * record of a process that is gone is removed by the next `ps`. Written in place: four syscalls cost
   * less than their round trips through libuv's thread pool, on every CLI run.
   */
  record(run: RecordedRun): void {
    const folder = this.runFolder(run.runId);
    const temporary = join(folder, `.${ENTRY}.${process.pid}.tmp`);
    try {
      writeFileSync(temporary, `${JSON.stringify(run, null, 2)}\n`, { mode: 0o600 });
      renameSync(temporary, join(folder, ENTRY));
    } catch (error) {
      rmSync(temporary, { force: true });
      throw registryError(`record run '${run.runId}'`, error);
    }
  }

  /** A run's entry, or undefined when none is recorded (or it is unreadable, as after a crash mid-create). */
  read(runId: string): RecordedRun | undefined {
    try {
      const entry = JSON.parse(readFileSync(join(this.runFolder(runId), ENTRY), "utf8")) as RecordedRun;
      return typeof entry.pid === "number" && typeof entry.identifier === "string" ? entry : undefined;
    } catch {
      return undefined;
    }
  }

  /** Every recorded run, live or not. */
  list(): RecordedRun[] {
    let names: string[];
    try {
      names = readdirSync(this.folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw registryError(`list ${this.folder}`, error);
    }
    return names
      .filter((name) => !name.startsWith("."))
      .map((name) => this.read(name))
      .filter((run): run is RecordedRun => run !== undefined);
  }

  /** Removes a run's folder and everything in it. */
  remove(runId: string): void {
    removeFolder(this.runFolder(runId));
  }
}

function registryError(action: string, cause: unknown): InfrablocksError {
  return new InfrablocksError("STORE_ERROR", `Could not ${action} in the run registry: ${String(cause)}`, {
    cause,
  });
}
