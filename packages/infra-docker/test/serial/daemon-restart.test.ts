import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
import { dockerAvailable, ensureBusyboxImage } from "@infrablocks/test-support";
import { describe, expect, it } from "vitest";
import { dockerContainer, runBlock, waitUntilRunning } from "../support/run-block.js";

const REPO = join(import.meta.dirname, "../../../..");
// Restarting the engine would break every other suite running beside this one, so this file runs alone
// (`pnpm test:serial`, after `pnpm test` in CI), and only where this process may restart dockerd.
const canRestart = process.getuid?.() === 0 && spawnSync("pgrep", ["-x", "dockerd"]).status === 0;

describe.runIf((await dockerAvailable()) && canRestart)("the Docker daemon restarted mid-run", () => {
  it("never reports success: the run ends with a failure status or a clear error, within a bound", async () => {
    const image = await ensureBusyboxImage();
    let containerId = "";
    let markStarted!: () => void;
    const runStarted = new Promise<void>((resolve) => (markStarted = resolve));
    const begin = Date.now();
    const outcome = runBlock(
      dockerContainer({
        image,
        imagePullPolicy: "Never",
        command: ["sh", "-c", "echo up; sleep 120; echo done"],
      }),
      {
        onStarted: (identifier) => {
          containerId = identifier.slice(identifier.lastIndexOf(":") + 1);
          markStarted();
        },
      },
    ).then(
      (run) => ({ statusCode: run.result.statusCode, message: run.result.message ?? "", stdout: run.stdout }),
      (error: Error) => ({ statusCode: undefined, message: error.message, stdout: "" }),
    );
    await runStarted;
    await waitUntilRunning(containerId);

    restartDockerd();
    const result = await outcome;
    const seconds = (Date.now() - begin) / 1000;
    console.info(
      `[daemon restart] status ${result.statusCode} after ${seconds.toFixed(1)} s: ${result.message}`,
    );

    expect(result.statusCode).not.toBe(0);
    expect(result.stdout).not.toContain("done");
    if (result.statusCode === undefined) expect(result.message).toMatch(/Docker|engine|DOCKER_HOST/i);
    expect(seconds).toBeLessThan(110);
  }, 150_000);
});

/** Stops dockerd (it stops its containers as it goes), then starts it again the way CI does. */
function restartDockerd(): void {
  execFileSync("pkill", ["-TERM", "-x", "dockerd"]);
  for (let waited = 0; spawnSync("pgrep", ["-x", "dockerd"]).status === 0; waited++) {
    if (waited > 600) throw new Error("dockerd did not stop within 60 s");
    execFileSync("sleep", ["0.1"]);
  }
  execFileSync("bash", [join(REPO, "scripts/start-dockerd.sh")], { stdio: "inherit" });
}
