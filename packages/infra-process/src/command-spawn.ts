/**
 * The one place a `process` run's command is started, by whichever process hosts it: the runner
 * itself (a library call) or the run's supervisor (a recorded run, see supervisor.ts). It imports
 * nothing but Node's built-ins, since the supervisor loads nothing else.
 */
import { type ChildProcess, type StdioOptions, spawn } from "node:child_process";

export interface ProcessCommand {
  executable: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

export interface StartedCommand {
  child: ChildProcess;
  /** Resolves once the command has ended and its stdout and stderr have closed. */
  closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts the command and resolves once it runs, or rejects with the spawn's own error (`ENOENT`,
 * `EACCES`), for the host to word. The command inherits default signal dispositions: libuv resets
 * them in the child, so a `SIGINT` ignored by a background shell does not leak into it.
 */
export async function startCommand(
  command: ProcessCommand,
  stdio: StdioOptions,
  options: { ownProcessGroup: boolean },
): Promise<StartedCommand> {
  const child = spawn(command.executable, command.args, {
    cwd: command.cwd,
    env: command.env,
    // A process group of its own, so that kill reaches every process the command starts; under a
    // supervisor, the supervisor's session is that group.
    detached: options.ownProcessGroup,
    stdio,
  });
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("close", (code, signal) => resolve({ code, signal })),
  );
  await new Promise<void>((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", reject);
  });
  return { child, closed };
}
