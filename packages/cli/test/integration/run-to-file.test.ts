import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { BIN, REPO } from "./cli-support.js";

// `infrablocks run DOC > log 2>&1`, as a cron job writes it: the supervisor hands its output to a
// regular file, whose last writes are still pending when the command ends. The run must end too.
it("runs a process block with stdout and stderr redirected to a file, and exits", async () => {
  const folder = await mkdtemp(join(tmpdir(), "ib-run-to-file-"));
  const log = join(folder, "run.log");
  const fd = openSync(log, "w");
  const child = spawn(process.execPath, [BIN, "run", "examples/hello-process.yaml"], {
    cwd: REPO,
    env: { ...process.env, INFRABLOCKS_HOME: join(folder, "home") },
    stdio: ["ignore", fd, fd],
  });
  closeSync(fd);
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const text = await readFile(log, "utf8");
  expect(code, text).toBe(0);
  expect(text).toContain("hello from infrablocks");
  expect(text).toMatch(/exited cleanly/);
  await rm(folder, { recursive: true, force: true });
}, 20_000);
