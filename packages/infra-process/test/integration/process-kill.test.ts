import { readFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { isInfrablocksError, killContext } from "@infrablocks/core";
import { describe, expect, it } from "vitest";
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
