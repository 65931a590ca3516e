// `run` when its stdout or stderr takes no more: a full disk (/dev/full), or a reader gone before the
// first byte. The run is stopped, the command says why where it still can and exits 1 (output lost) or
// 141 (reader gone), with no stack trace and nothing left running: for both local drivers, since each
// delivers output its own way (the process supervisor writes to the runner's descriptors directly,
// the Docker driver copies the engine's stream).
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { dockerAvailable, ensureBusyboxImage } from "@infrablocks/test-support";
import { beforeAll, describe, expect, it } from "vitest";
import { BIN, cli, cliWithFailingOutput, freshHome } from "./cli-support.js";
import { dockerApi, writeDocument } from "./runs-support.js";

/**
 * Whether the process whose pid the command wrote to `pidFile` is still running. A zombie has ended: a
 * SIGKILL of the run's group takes its supervisor too, and the command is left to init to collect.
 */
async function stillRunning(pidFile: string): Promise<boolean> {
  const pid = Number(await readFile(pidFile, "utf8"));
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  return stat !== "" && stat[stat.lastIndexOf(")") + 2] !== "Z";
}

const CASES = [
  ["stdout", "full", 1],
  ["stdout", "gone", 141],
  ["stderr", "full", 1],
  ["stderr", "gone", 141],
] as const;

describe("run, when its stdout or stderr fails", () => {
  let home: string;
  beforeAll(async () => {
    home = await freshHome();
  });

  it.each(CASES)(
    "stops a process run whose %s is %s, and exits %i",
    async (failing, target, status) => {
      const pidFile = join(home, `pid-${failing}-${target}`);
      const doc = await writeDocument(home, `process-${failing}-${target}`, {
        type: "process",
        // Output on both streams, then a long wait that only a stop ends.
        command: ["sh", "-c", `echo $$ > ${pidFile}; echo out; echo err >&2; exec sleep 60`],
      });
      for (const flags of [[], ["--json"]]) {
        const started = Date.now();
        const { code, stderr } = await cliWithFailingOutput(home, failing, target, [
          "run",
          ...flags,
          "--grace",
          "5",
          doc,
        ]);
        expect(code, `${flags}`).toBe(status);
        expect(Date.now() - started, `${flags}`).toBeLessThan(20_000);
        expect(await stillRunning(pidFile), `${flags}`).toBe(false);
        if (failing === "stdout") {
          expect(stderr).not.toMatch(/^\s+at |Unhandled/m);
          // The end is told on stderr even when stdout was to carry it (--json).
          expect(stderr).toMatch(/exited with status code -15/);
          if (target === "full") expect(stderr).toContain("Unable to write to stdout (ENOSPC");
          else expect(stderr).toContain("The reader of stdout went away; stopping");
        }
      }
      const listed = await cli(["ps"], { home });
      expect(listed.stderr, JSON.stringify(listed)).toBe("No live runs.\n");
    },
    90_000,
  );

  it("keeps the documented status of other commands when stderr fails", async () => {
    const bad = await writeDocument(home, "bad", { type: "process", command: ["true"], colour: 1 });
    for (const target of ["full", "gone"] as const) {
      expect((await cliWithFailingOutput(home, "stderr", target, ["validate", bad])).code, target).toBe(2);
      expect(
        (await cliWithFailingOutput(home, "stderr", target, ["show", "process/nope"])).code,
        target,
      ).toBe(3);
    }
  });

  it("waits out the stop that a failed stdout began when Ctrl-C comes, then exits 130", async () => {
    const pidFile = join(home, "pid-sigint");
    const doc = await writeDocument(home, "stubborn", {
      type: "process",
      command: ["sh", "-c", `echo $$ > ${pidFile}; trap '' TERM; echo out; while :; do sleep 1; done`],
    });
    const child = spawn(process.execPath, [BIN, "run", "--grace", "2", doc], {
      env: { ...process.env, INFRABLOCKS_HOME: home, INFRABLOCKS_DEBUG: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (text: string) => {
      stderr += text;
      if (text.includes("stopping")) child.kill("SIGINT");
    });
    const code = await new Promise((resolve) => child.on("close", resolve));
    // Not given up at once: the grace period ran out and the command was killed.
    expect(code).toBe(130);
    expect(stderr).toContain("sending SIGKILL");
    expect(stderr).toMatch(/exited with status code -9/);
    expect(await stillRunning(pidFile)).toBe(false);
  }, 60_000);
});

describe.runIf(await dockerAvailable())("run of a docker-container, when its stdout or stderr fails", () => {
  let home: string;
  let image: string;
  beforeAll(async () => {
    home = await freshHome();
    image = await ensureBusyboxImage();
  }, 120_000);

  it.each(CASES)(
    "stops the container whose %s is %s, exits %i and leaves none",
    async (failing, target, status) => {
      // A failure before the container has started (its first line, at once) and one while it runs.
      for (const [name, script] of [
        ["at-once", "echo out; echo err >&2"],
        ["while-running", "echo out; echo err >&2; trap 'exit 0' TERM; sleep 60 & wait"],
      ]) {
        const runId = `output-${failing}-${target}-${name}-${process.pid}`;
        const doc = await writeDocument(home, `docker-${failing}-${target}-${name}`, {
          type: "docker-container",
          image,
          imagePullPolicy: "Never",
          autoRemove: true,
          command: ["sh", "-c", script],
        });
        const { code, stderr } = await cliWithFailingOutput(home, failing, target, [
          "run",
          "--grace",
          "5",
          "--run-id",
          runId,
          doc,
        ]);
        const context = `${name}: ${stderr}`;
        // A run that had ended before the reader went away keeps its own status.
        if (name === "at-once" && target === "gone") expect([0, status], context).toContain(code);
        else expect(code, context).toBe(status);
        if (failing === "stdout") {
          expect(stderr, context).not.toMatch(/^\s+at |Unhandled|Copying the container's output failed/m);
          expect(stderr, context).toMatch(/exited/);
        }
        const filters = encodeURIComponent(JSON.stringify({ label: [`io.infrablocks.run-id=${runId}`] }));
        expect(
          (await dockerApi("GET", `/containers/json?all=true&filters=${filters}`)).body,
          context,
        ).toEqual([]);
      }
    },
    120_000,
  );
});
