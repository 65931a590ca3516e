import { mkdtempSync, rmSync } from "node:fs";
import type { Server, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SshTarget } from "./docker-host.js";

/** A local socket that leads to an `ssh://` engine. */
export interface SshBridge {
  /** The socket to send Engine API requests to; it listens once this resolves. */
  socketPath(): Promise<string>;
  /** What ssh said on stderr when it last failed, for the message of an unreachable engine. */
  lastError(): string | undefined;
}

const bridges = new Map<string, SshBridge>();

/**
 * A unix socket in a private folder whose every connection runs the system `ssh` with
 * `docker system dial-stdio` on the remote host, as the docker CLI does, and carries the connection
 * over ssh's stdin and stdout. Everything that speaks to a socket (requests, attach, wait) then works
 * unchanged, and ssh's own configuration (keys, agent, known hosts, ~/.ssh/config) applies. One per
 * endpoint and process; it keeps no process alive.
 */
export function sshBridge(endpoint: string, target: SshTarget): SshBridge {
  const known = bridges.get(endpoint);
  if (known) return known;
  let listening: Promise<string> | undefined;
  let lastError: string | undefined;
  // Node's child_process and net load with the first bridge, not with the module: most engines are local.
  const { spawn } = process.getBuiltinModule("node:child_process");
  const bridge: SshBridge = {
    socketPath() {
      listening ??= listen((socket) => {
        const child = spawn("ssh", sshArguments(target), { stdio: ["pipe", "pipe", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (chunk: Buffer) => {
          stderr = (stderr + chunk.toString()).slice(-2000);
        });
        child.on("error", (error) => {
          lastError = `could not run ssh: ${error.message}`;
          socket.destroy();
        });
        // "close", not "exit": by then ssh's stderr has been read to the end.
        child.on("close", (code) => {
          if (code !== 0 && stderr.trim()) lastError = stderr.trim();
          socket.end();
        });
        socket.pipe(child.stdin);
        // Ended on "close" below, once a failure's reason is known.
        child.stdout.pipe(socket, { end: false });
        // A client that goes away ends the remote dial-stdio too.
        socket.on("close", () => child.kill());
        socket.on("error", () => child.kill());
        child.stdin.on("error", () => socket.destroy());
        // The client's own socket keeps the process alive while a request is out; these need not.
        socket.unref();
        child.unref();
        for (const pipe of [child.stdin, child.stdout, child.stderr]) (pipe as unknown as Socket).unref();
      });
      return listening;
    },
    lastError: () => lastError,
  };
  bridges.set(endpoint, bridge);
  return bridge;
}

/** The docker CLI's ssh command line: no terminal, a connect timeout, the user and port as options. */
export function sshArguments(target: SshTarget): string[] {
  return [
    "-o",
    "ConnectTimeout=30",
    "-T",
    ...(target.user ? ["-l", target.user] : []),
    ...(target.port ? ["-p", String(target.port)] : []),
    "--",
    target.host,
    "docker",
    "system",
    "dial-stdio",
  ];
}

// --- Internal helpers ---

async function listen(onConnection: (socket: Socket) => void): Promise<string> {
  // A folder only this user may enter, so no one else can use the bridge.
  const folder = mkdtempSync(join(tmpdir(), "infrablocks-ssh-"));
  process.once("exit", () => rmSync(folder, { recursive: true, force: true }));
  const path = join(folder, "docker.sock");
  const server: Server = process.getBuiltinModule("node:net").createServer(onConnection);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, resolve);
  });
  server.unref();
  return path;
}
