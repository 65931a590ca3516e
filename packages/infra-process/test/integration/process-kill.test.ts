import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { hostname, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { isInfrablocksError, killContext, newRunId, processStat, runnerIdentity } from "@infrablocks/core";
import { describe, expect, it } from "vitest";
import { RunRegistry } from "../../src/run-registry.js";
import { capture, processBlock, processInfrastructure, quietLog } from "./run-support.js";

/** Alive and not a zombie waiting to be collected. */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat[stat.lastIndexOf(")") + 2] !== "Z";
}

async function waitFor(condition: () => boolean, what: string, withinMs = 10_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

describe("process kill", () => {
  it("ends a three-level tree whose members all ignore SIGTERM, leaving none alive", async () => {
    const folder = await mkdtemp(join(tmpdir(), "ib-tree-"));
    const pidFile = join(folder, "pids");
    // Each level ignores SIGTERM (inherited by its children), records its pid and starts the next level.
    await writeFile(
      join(folder, "level.sh"),
      `trap '' TERM\necho $$ >> "${pidFile}"\nif [ "$1" -gt 1 ]; then sh "$0" $(($1 - 1)) & fi\nwhile :; do sleep 1; done\n`,
    );
    const infrastructure = await processInfrastructure();
    const config = await processBlock({ command: ["sh", join(folder, "level.sh"), "3"] });
    const run = capture();
    const finished = infrastructure.run(config, run.context);
    await waitFor(() => run.started.length === 1, "the run to start");
    const pidsRecorded = () => readFileSync(pidFile, "utf8").trim().split("\n").filter(Boolean).map(Number);
    await waitFor(() => {
      try {
        return pidsRecorded().length === 3;
      } catch {
        return false;
      }
    }, "three levels");
    const tree = pidsRecorded();

    await infrastructure.kill(
      config,
      run.started[0] as string,
      killContext({ log: quietLog, graceSeconds: 1 }),
    );
    const result = await finished;

    expect(result.statusCode).toBe(-9);
    for (const pid of tree) expect(running(pid)).toBe(false);
  }, 30_000);

  it("returns as soon as a cooperative process ends on SIGTERM", async () => {
    const infrastructure = await processInfrastructure();
    const config = await processBlock({ command: ["sleep", "30"] });
    const run = capture();
    const finished = infrastructure.run(config, run.context);
    await waitFor(() => run.started.length === 1, "the run to start");
    await infrastructure.kill(
      config,
      run.started[0] as string,
      killContext({ log: quietLog, graceSeconds: 30 }),
    );
    expect((await finished).statusCode).toBe(-15);
  });

  it("tells a gone process (not found) from one on another host (not available)", async () => {
    const infrastructure = await processInfrastructure();
    const config = await processBlock({ command: ["true"] });
    const result = await infrastructure.run(config, capture().context);
    const gone = await infrastructure
      .kill(config, result.identifier, killContext({ log: quietLog, graceSeconds: 1 }))
      .catch((error) => error);
    expect(isInfrablocksError(gone, "INFRASTRUCTURE_NOT_FOUND")).toBe(true);
    const elsewhere = await infrastructure
      .kill(config, `not-${hostname()}:1234`, killContext({ log: quietLog, graceSeconds: 1 }))
      .catch((error) => error);
    expect(isInfrablocksError(elsewhere, "INFRASTRUCTURE_NOT_AVAILABLE")).toBe(true);
  });
});

/** Starts a program in a process group of its own, which it leads; its stdout as text. */
function startDetached(program: string, args: string[], env = process.env) {
  const child = spawn(program, args, { detached: true, stdio: ["ignore", "pipe", "pipe"], env });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  return { child, pid: child.pid as number, output: () => output };
}

/** The pids a started shell printed, one a line, once there are `count`. */
async function printedPids(started: { output: () => string }, count: number): Promise<number[]> {
  const pids = () => started.output().trim().split("\n").filter(Boolean).map(Number);
  await waitFor(() => pids().length >= count, `${count} pids printed`);
  return pids();
}

function killGroup(child: ChildProcess): void {
  try {
    process.kill(-(child.pid as number), "SIGKILL");
  } catch {}
}

/** A registry holding one run of `pid`, recorded with the start time given (the live one by default). */
async function registryWith(
  pid: number,
  pidStartTime = processStat(pid)?.startTime ?? "0",
): Promise<RunRegistry> {
  const runs = new RunRegistry(await mkdtemp(join(tmpdir(), "ib-kill-runs-")));
  const runId = newRunId();
  runs.create(runId);
  runs.record({
    runId,
    type: "process",
    identifier: `${hostname()}:${pid}`,
    pid,
    pidStartTime,
    runner: runnerIdentity(),
    startedAt: new Date().toISOString(),
  });
  return runs;
}

async function killError(pid: number, stateFolder?: string): Promise<unknown> {
  return (await processInfrastructure())
    .kill(
      await processBlock({ command: ["true"] }),
      `${hostname()}:${pid}`,
      killContext({ log: quietLog, graceSeconds: 1, stateFolder }),
    )
    .catch((error: unknown) => error);
}

describe("process kill of what is not a run", () => {
  it("refuses init (pid 1), the caller and its parent, and the caller lives on", async () => {
    // In a vitest of its own that leads its own process group: a kill of the caller's group
    // (what pid 1's group 0 means) would end that run, not this one.
    const vitest = join(dirname(createRequire(import.meta.url).resolve("vitest/package.json")), "vitest.mjs");
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith("VITEST")),
    );
    const config = join(import.meta.dirname, "../fixtures/vitest.config.ts");
    const nested = startDetached(process.execPath, [vitest, "run", "--config", config], env);
    try {
      const [code, signal] = await once(nested.child, "close");
      expect({ code, signal, output: nested.output() }).toMatchObject({ code: 0, signal: null });
    } finally {
      killGroup(nested.child);
    }
  });

  it("refuses a live process infrablocks did not start as not found, and leaves it running", async () => {
    const stranger = startDetached("sleep", ["30"]);
    try {
      // The CLI's way: a state folder whose registry does not record the pid.
      const runs = new RunRegistry(await mkdtemp(join(tmpdir(), "ib-kill-runs-")));
      const unrecorded = await killError(stranger.pid, runs.folder);
      expect(isInfrablocksError(unrecorded, "INFRASTRUCTURE_NOT_FOUND")).toBe(true);
      expect((unrecorded as Error).message).toMatch(/not a run infrablocks started.*'infrablocks ps'/);
      await sleep(200);
      expect(running(stranger.pid)).toBe(true);
    } finally {
      killGroup(stranger.child);
    }
  });

  it("refuses, without a state folder, a live process that is not the caller's descendant", async () => {
    // A shell that leaves its sleep behind: an orphan, adopted by init, of no run of this process.
    const shell = startDetached("sh", ["-c", "sleep 30 >/dev/null 2>&1 & echo $!"]);
    const [orphan] = (await printedPids(shell, 1)) as [number];
    try {
      await waitFor(() => shell.child.exitCode !== null, "the shell to exit");
      const error = await killError(orphan);
      expect(isInfrablocksError(error, "INFRASTRUCTURE_NOT_FOUND")).toBe(true);
      expect((error as Error).message).toContain("not a run of this process");
      await sleep(200);
      expect(running(orphan)).toBe(true);
    } finally {
      killGroup(shell.child);
    }
  });

  it("refuses a recorded pid that another process reuses, leaving that one running", async () => {
    const stranger = startDetached("sleep", ["30"]);
    try {
      const runs = await registryWith(stranger.pid, "1");
      const error = await killError(stranger.pid, runs.folder);
      expect(isInfrablocksError(error, "INFRASTRUCTURE_NOT_FOUND")).toBe(true);
      expect((error as Error).message).toContain("another process reuses it");
      await sleep(200);
      expect(running(stranger.pid)).toBe(true);
    } finally {
      killGroup(stranger.child);
    }
  });

  it("says a recorded run ended, never that its pid is reused, when it ends as the kill looks at it", async () => {
    // Random moments around the process's end: before, during and after the kill's checks.
    const outcomes = new Set<string>();
    for (let attempt = 0; attempt < 150; attempt++) {
      const run = startDetached("sleep", ["0.02"]);
      const closed = once(run.child, "close");
      const runs = await registryWith(run.pid);
      await sleep(10 + Math.random() * 30);
      const error = await killError(run.pid, runs.folder);
      outcomes.add(error === undefined ? "killed" : (error as Error).message);
      await closed;
    }
    for (const outcome of outcomes) {
      expect(outcome).toMatch(/^killed$|no such process; it has probably ended already/);
    }
  }, 60_000);

  it.each([
    ["without a state folder (a descendant of the caller)", false],
    ["with a state folder recording it", true],
  ])("signals no one else in the group of a pid that does not lead it, %s", async (_, recorded) => {
    // The shell leads the group; each sleep is a member whose parent leads it, as in a shell job.
    const job = startDetached("sh", ["-c", "sleep 30 & echo $!; sleep 30 & echo $!; wait"]);
    try {
      const [target, sibling] = (await printedPids(job, 2)) as [number, number];
      const stateFolder = recorded ? (await registryWith(target)).folder : undefined;
      await (await processInfrastructure()).kill(
        await processBlock({ command: ["true"] }),
        `${hostname()}:${target}`,
        killContext({ log: quietLog, graceSeconds: 5, stateFolder }),
      );
      await waitFor(() => !running(target), "the target to end");
      await sleep(200);
      expect(running(sibling)).toBe(true);
      expect(running(job.pid)).toBe(true);
    } finally {
      killGroup(job.child);
    }
  });

  it("ends a recorded run given its state folder as a whole group, a grandchild that left the tree too", async () => {
    const runs = new RunRegistry(await mkdtemp(join(tmpdir(), "ib-kill-runs-")));
    const pidFile = join(runs.folder, "orphan.pid");
    const infrastructure = await processInfrastructure();
    // The subshell leaves a sleep behind in the run's group, which only the group's signal reaches.
    const config = await processBlock({
      command: ["sh", "-c", `(sleep 30 & echo $! > "${pidFile}"); exec sleep 30`],
    });
    const run = capture({ stateFolder: runs.folder });
    const finished = infrastructure.run(config, run.context);
    await waitFor(() => run.started.length === 1, "the run to start");
    let orphan = 0;
    await waitFor(() => {
      orphan = Number(readFileSync(pidFile, { encoding: "utf8", flag: "a+" }).trim());
      return orphan > 0;
    }, "the orphan's pid");
    await infrastructure.kill(
      config,
      run.started[0] as string,
      killContext({ log: quietLog, graceSeconds: 5, stateFolder: runs.folder }),
    );
    expect((await finished).statusCode).toBe(-15);
    await waitFor(() => !running(orphan), "the orphan to end", 2_000);
  });
});
