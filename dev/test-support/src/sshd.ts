import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, Socket } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";

const SSHD = "/usr/sbin/sshd";

/**
 * Whether the sshd tests can run. With INFRABLOCKS_REQUIRE_SSHD=1 a missing sshd throws instead, so
 * that CI fails rather than skipping the suite.
 */
export function sshdAvailable(): boolean {
  if (existsSync(SSHD)) return true;
  if (process.env.INFRABLOCKS_REQUIRE_SSHD === "1") {
    throw new Error(`INFRABLOCKS_REQUIRE_SSHD=1 but ${SSHD} is missing: apt-get install -y openssh-server.`);
  }
  return false;
}

export const SSHD_SKIP_REASON = `${SSHD} is missing (apt-get install -y openssh-server)`;

export interface TestSshd {
  host: string;
  port: number;
  user: string;
  /** The user's private key (OpenSSH format, unencrypted). */
  privateKey: string;
  /** A known_hosts text holding the server's host key for [127.0.0.1]:port. */
  knownHosts: string;
  /** The same, hashed as `ssh-keygen -H` writes it. */
  hashedKnownHosts: string;
  stop(): Promise<void>;
}

/**
 * Starts sshd on 127.0.0.1 on a free port, with a fresh host key and a fresh user key in a temporary
 * folder, for the user running the tests (root here, hence PermitRootLogin). Only public keys log in.
 */
export async function startSshd(): Promise<TestSshd> {
  const folder = await mkdtemp(join(tmpdir(), "ib-sshd-"));
  const run = promisify(execFile);
  await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(folder, "host_key")]);
  await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(folder, "user_key")]);
  await writeFile(join(folder, "authorized_keys"), await readFile(join(folder, "user_key.pub")));
  const port = await freePort();
  await writeFile(
    join(folder, "sshd_config"),
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${join(folder, "host_key")}`,
      `PidFile ${join(folder, "sshd.pid")}`,
      `AuthorizedKeysFile ${join(folder, "authorized_keys")}`,
      "PermitRootLogin yes",
      "StrictModes no",
      "UsePAM no",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "LogLevel ERROR",
    ].join("\n"),
  );
  // sshd insists on its privilege separation folder, which a system without a running sshd may lack.
  await mkdir("/run/sshd", { recursive: true, mode: 0o755 });
  const child = spawn(SSHD, ["-D", "-e", "-f", join(folder, "sshd_config")], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    log += chunk.toString();
  });
  try {
    await waitForBanner(port, child, () => log);
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  const hostKey = (await readFile(join(folder, "host_key.pub"), "utf8"))
    .trim()
    .split(" ")
    .slice(0, 2)
    .join(" ");
  await writeFile(join(folder, "known_hosts"), `[127.0.0.1]:${port} ${hostKey}\n`);
  await run("ssh-keygen", ["-H", "-f", join(folder, "known_hosts")]);
  return {
    host: "127.0.0.1",
    port,
    user: userInfo().username,
    privateKey: await readFile(join(folder, "user_key"), "utf8"),
    knownHosts: `[127.0.0.1]:${port} ${hostKey}\n`,
    hashedKnownHosts: await readFile(join(folder, "known_hosts"), "utf8"),
    async stop() {
      child.kill("SIGTERM");
      await Promise.race([new Promise((resolve) => child.once("exit", resolve)), sleep(5000)]);
      await rm(folder, { recursive: true, force: true });
    },
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no TCP port for sshd");
  return address.port;
}

/** Resolves once sshd greets a TCP client with its SSH banner; fails within 10 s otherwise. */
async function waitForBanner(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sshd exited with status ${child.exitCode}: ${log()}`);
    if (await greets(port)) return;
    await sleep(50);
  }
  throw new Error(`sshd did not answer on 127.0.0.1:${port} within 10 s: ${log()}`);
}

function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("data", (chunk: Buffer) => done(chunk.toString().startsWith("SSH-")));
    socket.once("error", () => done(false));
    socket.connect(port, "127.0.0.1");
  });
}
