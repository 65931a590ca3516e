import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const REPO = resolve(import.meta.dirname, "../../../..");
export const BIN = join(REPO, "packages/cli/bin.cjs");

if (!existsSync(join(REPO, "packages/cli/dist/index.cjs"))) {
  throw new Error("The CLI tests run the built command: run `pnpm build` first (`pnpm test` does).");
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export async function freshHome(): Promise<string> {
  return mkdtemp(join(tmpdir(), "ib-home-"));
}

/** Runs `infrablocks` as a user would: a separate node process, its own store. */
export function cli(
  args: string[],
  options: {
    home: string;
    input?: string;
    env?: NodeJS.ProcessEnv;
    onStderr?: (text: string) => void;
    /** Where the command runs, and which `bin.cjs` runs: the repository's unless a test installs its own. */
    cwd?: string;
    bin?: string;
  },
): Promise<CliResult> & { child: ReturnType<typeof spawn> } {
  const child = spawn(process.execPath, [options.bin ?? BIN, ...args], {
    cwd: options.cwd ?? REPO,
    env: { ...process.env, INFRABLOCKS_DEBUG: "", ...options.env, INFRABLOCKS_HOME: options.home },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    options.onStderr?.(stderr);
  });
  child.stdin.end(options.input ?? "");
  const done = new Promise<CliResult>((resolvePromise) =>
    child.on("close", (code, signal) => resolvePromise({ code, signal, stdout, stderr })),
  );
  return Object.assign(done, { child });
}

export type FailingTarget = "full" | "gone";

export interface FailingOutcome {
  code: number | null;
  stderr: string;
}

/**
 * The CLI with one output on /dev/full (every write fails with ENOSPC) or on a pipe whose reader is gone
 * before it starts (EPIPE); the other output is a pipe the test reads, empty when it is stderr that fails.
 */
export async function cliWithFailingOutput(
  home: string,
  failing: "stdout" | "stderr",
  target: FailingTarget,
  args: string[],
): Promise<FailingOutcome> {
  const full = target === "full" ? openSync("/dev/full", "w") : undefined;
  try {
    const stdio = ["ignore", "pipe", "pipe"] as ("ignore" | "pipe" | number)[];
    if (full !== undefined) stdio[failing === "stdout" ? 1 : 2] = full;
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, INFRABLOCKS_HOME: home, INFRABLOCKS_DEBUG: "" },
      stdio,
    });
    const gone = failing === "stdout" ? child.stdout : child.stderr;
    if (target === "gone") gone?.destroy();
    let stderr = "";
    if (failing === "stdout") child.stderr?.setEncoding("utf8").on("data", (text) => (stderr += text));
    child.stdout?.resume();
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    return { code, stderr };
  } finally {
    if (full !== undefined) closeSync(full);
  }
}
