// The bench drives the built packages, as users run them.
import { createWriteStream, existsSync, openSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const CLI = join(ROOT, "packages/cli/bin.cjs");

export async function importPackage(folder) {
  const entry = join(ROOT, "packages", folder, "dist/index.cjs");
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run pnpm build first (pnpm bench does).`);
  return import(pathToFileURL(entry).href);
}

const { newRunId } = await importPackage("core");

const devNull = createWriteStream("", { fd: openSync("/dev/null", "w") });

/** A run context whose output goes to /dev/null, as a caller redirecting there would. */
export function quietContext(overrides = {}) {
  return {
    stdout: devNull,
    stderr: devNull,
    log: { info() {}, warn() {}, error() {} },
    baseEnvironment: {},
    redact: (text) => text,
    runId: newRunId(),
    onStarted() {},
    ...overrides,
  };
}
