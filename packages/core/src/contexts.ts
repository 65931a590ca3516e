import { baseEnvironment } from "./environment.js";
import type { DriverContext, KillContext, Logger, RunContext } from "./infrastructure.js";
import { newRunId } from "./runs.js";

/** infrablocks' messages on stderr, as the CLI prints them. */
export const stderrLogger: Logger = {
  info: (message) => process.stderr.write(`${message}\n`),
  warn: (message) => process.stderr.write(`warning: ${message}\n`),
  error: (message) => process.stderr.write(`error: ${message}\n`),
};

/**
 * A driver context for library use, with what a caller leaves out filled in: messages on stderr,
 * the caller's `INFRABLOCKS_*` variables as the base environment, no secrets to mask, and no state
 * folder (nothing outlives the caller).
 */
export function driverContext(overrides: Partial<DriverContext> = {}): DriverContext {
  return {
    log: stderrLogger,
    baseEnvironment: baseEnvironment(),
    redact: (text) => text,
    ...overrides,
  };
}

/** A run context for library use: {@link driverContext}'s defaults, output to this process's stdout and stderr, a fresh run id. */
export function runContext(overrides: Partial<RunContext> = {}): RunContext {
  return {
    ...driverContext(),
    stdout: process.stdout,
    stderr: process.stderr,
    onStarted: () => undefined,
    runId: newRunId(),
    ...overrides,
  };
}

/** A kill context for library use: {@link driverContext}'s defaults and a grace period of 30 s, as the CLI's. */
export function killContext(overrides: Partial<KillContext> = {}): KillContext {
  return { ...driverContext(), graceSeconds: 30, ...overrides };
}
