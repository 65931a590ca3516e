import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { cli, freshHome } from "./cli-support.js";
import {
  checkOrphanLifecycle,
  EXIT_STATUS,
  LINES,
  orphanRun,
  tickingCommand,
  writeDocument,
} from "./runs-support.js";

describe("process runs whose runner died", () => {
  it("are listed by ps, attached to, and swept", async () => {
    const home = await freshHome();
    const doc = await writeDocument(home, "ticking", {
      type: "process",
      command: tickingCommand(LINES, EXIT_STATUS),
    });
    const longDoc = await writeDocument(home, "long", { type: "process", command: tickingCommand(300, 0) });
    await checkOrphanLifecycle({
      type: "process",
      doc,
      longDoc,
      options: { home },
      prefix: "process",
      // The tail on disk holds the whole (short) output: attach replays it from the first line.
      fromStart: true,
      // From outside: the supervised process's environment, as the kernel holds it.
      checkOutside: async (run) => {
        const pid = run.identifier.slice(run.identifier.lastIndexOf(":") + 1);
        expect(run.identifier).toBe(`${hostname()}:${pid}`);
        const environ = (await readFile(`/proc/${pid}/environ`, "utf8")).split("\0");
        expect(environ).toContain(`INFRABLOCKS_RUN_ID=${run.runId}`);
        expect(environ.some((entry) => entry.startsWith("INFRABLOCKS_HOME="))).toBe(false);
        // The identifier's pid is the command's own, not its supervisor's.
        const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8");
        expect(cmdline.split("\0").slice(0, 3)).toEqual(tickingCommand(LINES, EXIT_STATUS));
      },
    });
  }, 180_000);

  it("go on without blocking once their runner is gone, and attach gets the tail and the exit status", async () => {
    const home = await freshHome();
    // After the runner dies, far more output than any pipe holds, then a last line and status 7.
    const doc = await writeDocument(home, "chatty", {
      type: "process",
      command: [
        "sh",
        "-c",
        'echo "line 1"; echo "line 2"; sleep 2; head -c 8388608 /dev/zero; echo; echo last; exit 7',
      ],
      outputTailBytes: 65536,
    });
    await orphanRun(doc, "process-chatty", { home });
    // The command finishes unwatched (nothing reads its output); its supervisor records the exit.
    const exitFile = join(home, "state", "process", "process-chatty", "exit.json");
    for (let waited = 0; !existsSync(exitFile); waited += 100) {
      expect(waited).toBeLessThan(60_000);
      await sleep(100);
    }
    const attached = await cli(["attach", doc, "process-chatty", "--json"], { home });
    expect(attached.code, attached.stderr).toBe(7);
    expect(attached.stderr).toContain("\nlast\n");
    // Only the tail: at most the cap, not the 8 MiB printed while nobody watched.
    expect(attached.stderr.length).toBeLessThan(65536 + 4096);
    expect(attached.stderr).not.toContain("line 1\n");
  }, 120_000);
});
