// The runtime: loaded by the block type's loadInfrastructure only, so ssh2 is imported only here.
import { once } from "node:events";
import { constants } from "node:os";
import { Transform, type TransformCallback } from "node:stream";
import { finished } from "node:stream/promises";
import {
  type Infrastructure,
  InfrablocksError,
  type KillContext,
  maskEnvironment,
  mergeEnvironment,
  type PreviewContext,
  type RunContext,
  type RunResult,
  requireCommand,
} from "@infrablocks/core";
import type { ClientChannel } from "ssh2";
import { parseSshIdentifier, sshIdentifier } from "./identifier.js";
import { execRequest, KILL_STATUS, killScript, runScript } from "./remote-script.js";
import type { SshCommandBlock } from "./ssh-command-block.js";
import { connect, exec } from "./ssh-connection.js";

const SLUG = "ssh-command";
/** Beyond the grace period, how long the kill script may take: SIGKILL's own 5 s wait, plus round trips. */
const KILL_SLACK_MS = 15_000;

export const sshCommandInfrastructure: Infrastructure<SshCommandBlock> = { run, preview, kill };

async function run(config: SshCommandBlock, context: RunContext): Promise<RunResult> {
  const command = requireCommand(SLUG, config.command);
  const { exports, unsets } = remoteEnvironment(config, context.baseEnvironment);
  const client = await connect(config, context, "INFRASTRUCTURE_ERROR");
  try {
    const request = execRequest(runScript(command, exports, unsets));
    const channel = await exec(client, request).catch((error: Error) => {
      const message = `${where(config)} refused to run a command: ${error.message}`;
      throw new InfrablocksError("INFRASTRUCTURE_ERROR", message, { blockType: SLUG });
    });
    return await follow(channel, config, context);
  } finally {
    client.end();
  }
}

async function preview(config: SshCommandBlock, context: PreviewContext): Promise<string> {
  const command = requireCommand(SLUG, config.command);
  const { exports, unsets } = remoteEnvironment(config, context.baseEnvironment);
  const auth = [config.privateKey && "privateKey", config.password && "password"].filter(Boolean).join(" + ");
  const hostKey = config.strictHostKeyChecking
    ? `host key checked against ${config.knownHosts ? "knownHosts" : "~/.ssh/known_hosts"}`
    : "host key NOT checked";
  return [
    `# ssh ${where(config)} (${hostKey}; login with ${auth || "no credentials"})`,
    runScript(command, maskEnvironment(exports), unsets),
  ].join("\n");
}

async function kill(config: SshCommandBlock, identifier: string, context: KillContext): Promise<void> {
  const target = parseSshIdentifier(identifier);
  if (target.user !== config.user || target.host !== config.host || target.port !== config.port) {
    throw new InfrablocksError(
      "INFRASTRUCTURE_NOT_AVAILABLE",
      `Unable to kill ${identifier}: it runs as ${target.user}@${target.host}:${target.port}, and this block logs in as ${where(config)}.`,
      { blockType: SLUG },
    );
  }
  // A connection of its own: the run's connection belongs to whoever started the run, maybe elsewhere.
  const client = await connect(config, context, "INFRASTRUCTURE_NOT_AVAILABLE");
  try {
    const channel = await exec(client, execRequest(killScript(target.pid, context.graceSeconds)));
    channel.resume();
    channel.stderr.resume();
    const status = await bounded(
      exitStatus(channel),
      context.graceSeconds * 1000 + KILL_SLACK_MS,
      `Unable to kill ${identifier}: the remote kill did not finish within the grace period plus ${KILL_SLACK_MS / 1000}s.`,
    );
    reportKill(identifier, status.code, context);
  } finally {
    client.end();
  }
}

// --- Internal helpers ---

function where(config: SshCommandBlock): string {
  return `${config.user}@${config.host}:${config.port}`;
}

/** The caller's INFRABLOCKS_* variables under the block's env; null in the block's env unsets remotely. */
function remoteEnvironment(config: SshCommandBlock, base: Readonly<Record<string, string>>) {
  const unsets = Object.entries(config.env)
    .filter(([, value]) => value === null)
    .map(([name]) => name);
  return { exports: mergeEnvironment(base, config.env), unsets };
}

/** Reads the pid line, reports the start, streams the rest and resolves to the exit status. */
async function follow(
  channel: ClientChannel,
  config: SshCommandBlock,
  context: RunContext,
): Promise<RunResult> {
  const exited = exitStatus(channel);
  const stdout = new FirstLineSplitter();
  channel.pipe(stdout);
  if (config.streamOutput) {
    // `pipe` honours backpressure; `end: false` leaves the caller's streams open for what follows.
    stdout.pipe(context.stdout, { end: false });
    channel.stderr.pipe(context.stderr, { end: false });
  } else {
    stdout.resume();
    channel.stderr.resume();
  }
  const pidLine = await Promise.race([stdout.firstLine, exited.then(() => undefined)]);
  const pid = Number(pidLine);
  if (!pidLine || !Number.isInteger(pid) || pid <= 0) {
    const { code } = await exited;
    throw new InfrablocksError(
      "INFRASTRUCTURE_ERROR",
      `${where(config)}: the remote shell ended (status ${code ?? "unknown"}) before starting the command; is /bin/sh there?`,
      { blockType: SLUG },
    );
  }
  const identifier = sshIdentifier({ user: config.user, host: config.host, port: config.port, pid });
  context.onStarted(identifier);
  const status = await exited;
  // The channel has closed; let what it sent reach the caller's streams before returning.
  await Promise.all([finished(stdout), finished(channel.stderr)]);
  if (status.signal !== undefined) {
    const number = constants.signals[status.signal as NodeJS.Signals] as number | undefined;
    return number
      ? {
          identifier,
          statusCode: -number,
          signal: number,
          message: `The remote command was ended by ${status.signal}.`,
        }
      : { identifier, statusCode: -1, message: `The remote command was ended by ${status.signal}.` };
  }
  if (status.code === undefined) {
    return {
      identifier,
      statusCode: -1,
      message: "The SSH connection closed before the remote command reported its exit status.",
    };
  }
  return { identifier, statusCode: status.code };
}

/** The channel's exit status (`signal` like "SIGTERM"), once the channel has closed. */
async function exitStatus(channel: ClientChannel): Promise<{ code?: number; signal?: string }> {
  const status: { code?: number; signal?: string } = {};
  channel.on("exit", (code: number | null, signal?: string) => {
    if (code !== null) status.code = code;
    else if (signal) status.signal = signal;
  });
  await once(channel, "close");
  return status;
}

function reportKill(identifier: string, code: number | undefined, context: KillContext): void {
  switch (code) {
    case KILL_STATUS.stopped:
      return;
    case KILL_STATUS.forced:
      context.log.warn(`${identifier} outlived its ${context.graceSeconds}s grace period; sent SIGKILL.`);
      return;
    case KILL_STATUS.notFound:
      throw new InfrablocksError(
        "INFRASTRUCTURE_NOT_FOUND",
        `Unable to kill ${identifier}: no such process on the host; it has probably ended already.`,
        { blockType: SLUG },
      );
    case KILL_STATUS.notPermitted:
      throw new InfrablocksError(
        "INFRASTRUCTURE_NOT_AVAILABLE",
        `Unable to kill ${identifier}: not permitted (the process belongs to another user).`,
        { blockType: SLUG },
      );
    case KILL_STATUS.survived:
      throw new InfrablocksError(
        "INFRASTRUCTURE_ERROR",
        `${identifier} survived SIGKILL (an uninterruptible wait?).`,
        { blockType: SLUG },
      );
    default:
      throw new InfrablocksError(
        "INFRASTRUCTURE_ERROR",
        `Unable to kill ${identifier}: the remote kill script exited with status ${code ?? "unknown"}.`,
        { blockType: SLUG },
      );
  }
}

async function bounded<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new InfrablocksError("INFRASTRUCTURE_ERROR", message, { blockType: SLUG })),
      ms,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Passes stdout through, but for its first line (the remote pid), which resolves `firstLine`. */
class FirstLineSplitter extends Transform {
  readonly firstLine: Promise<string>;
  #resolve: (line: string) => void = () => undefined;
  #pending: Buffer | undefined = Buffer.alloc(0);

  constructor() {
    super();
    this.firstLine = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.#pending === undefined) {
      callback(null, chunk);
      return;
    }
    const buffered = Buffer.concat([this.#pending, chunk]);
    const newline = buffered.indexOf(0x0a);
    if (newline === -1) {
      this.#pending = buffered;
      callback();
      return;
    }
    this.#pending = undefined;
    this.#resolve(buffered.subarray(0, newline).toString("utf8").trim());
    callback(null, buffered.subarray(newline + 1));
  }
}
