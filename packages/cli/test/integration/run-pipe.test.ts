import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { BIN, freshHome } from "./cli-support.js";
import { writeDocument } from "./runs-support.js";

/** The pids whose command line holds `marker`. */
async function processesWith(marker: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^[0-9]+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    if (cmdline.includes(marker)) found.push(Number(entry));
  }
  return found;
}

/** `infrablocks run DOC | head -1`; stderr ends with `status=<the CLI's exit status>` (bash's PIPESTATUS, not head's). */
function runIntoHead(home: string, doc: string): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)(
    "bash",
    ["-c", `"$0" "$1" run "$2" | head -1; echo "status=\${PIPESTATUS[0]}" >&2`, process.execPath, BIN, doc],
    { env: { ...process.env, INFRABLOCKS_HOME: home, INFRABLOCKS_DEBUG: "" }, timeout: 60_000 },
  );
}

describe("infrablocks run | head", () => {
  it("stops the run, prints no error, exits 141 and leaves no process or record behind", async () => {
    const home = await freshHome();
    const marker = `ib-pipe-marker-${process.pid}`;
    const doc = await writeDocument(home, "endless", {
      type: "process",
      command: ["sh", "-c", `i=0; while :; do echo "line $i"; i=$((i+1)); done # ${marker}`],
    });
    const { stdout, stderr } = await runIntoHead(home, doc);
    expect(stdout).toBe("line 0\n");
    expect(stderr).toContain("status=141");
    expect(stderr).not.toMatch(/error|EPIPE/i);
    expect(await processesWith(marker)).toEqual([]);
    expect(await readdir(`${home}/state/process`).catch(() => [])).toEqual([]);
  }, 90_000);

  it("keeps the run's own status when it had ended before the reader went away", async () => {
    const home = await freshHome();
    const doc = await writeDocument(home, "short", { type: "process", command: ["printf", "a\\nb\\n"] });
    const { stdout, stderr } = await runIntoHead(home, doc);
    expect(stdout).toBe("a\n");
    expect(stderr).toContain("status=0");
    expect(stderr).not.toMatch(/error|EPIPE/i);
  }, 90_000);

  it("reports no error when the reader leaves as the run ends, at random points of its output", async () => {
    // The stop that the reader's going starts races the run's own end: a kill that finds the run
    // ended must stay quiet, and the status is the run's (0) or the reader's (141), nothing else.
    const home = await freshHome();
    for (let attempt = 0; attempt < 12; attempt++) {
      const lines = 1000 + Math.floor(Math.random() * 40_000);
      const bytes = 1 + Math.floor(Math.random() * lines * 4);
      const doc = await writeDocument(home, `finite-${attempt}`, {
        type: "process",
        command: ["seq", "1", String(lines)],
      });
      const { stderr } = await promisify(execFile)(
        "bash",
        [
          "-c",
          `"$0" "$1" run "$2" | head -c ${bytes} > /dev/null; echo "status=\${PIPESTATUS[0]}" >&2`,
          process.execPath,
          BIN,
          doc,
        ],
        { env: { ...process.env, INFRABLOCKS_HOME: home, INFRABLOCKS_DEBUG: "" }, timeout: 60_000 },
      );
      const context = `${lines} lines cut after ${bytes} bytes`;
      expect(stderr, context).toMatch(/status=(0|141)\n$/);
      expect(stderr, context).not.toMatch(/error|unable|EPIPE/i);
    }
  }, 120_000);

  it("ends any other command quietly with 141 when its reader goes away", async () => {
    const home = await freshHome();
    const { stdout, stderr } = await promisify(execFile)(
      "bash",
      ["-c", `"$0" "$1" --help | head -1; echo "status=\${PIPESTATUS[0]}" >&2`, process.execPath, BIN],
      { env: { ...process.env, INFRABLOCKS_HOME: home }, timeout: 60_000 },
    );
    expect(stdout).toBe("Usage: infrablocks [options] [command]\n");
    expect(stderr).toMatch(/status=(0|141)\n$/);
    expect(stderr).not.toMatch(/error|EPIPE/i);
  }, 60_000);
});
