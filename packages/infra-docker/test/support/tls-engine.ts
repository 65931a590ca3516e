import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A second dockerd that listens only on 127.0.0.1 over TLS, with certificates made by openssl. */
export interface TlsEngine {
  readonly host: string;
  /** The client's ca.pem, cert.pem and key.pem, as DOCKER_CERT_PATH wants them. */
  readonly certPath: string;
  /** Environment that points the docker CLI at this engine. */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startTlsEngine(image: string): Promise<TlsEngine> {
  const directory = await mkdtemp(join(tmpdir(), "infrablocks-tls-engine-"));
  const file = (name: string) => join(directory, name);
  const openssl = (...args: string[]) => run("openssl", args, { cwd: directory });
  await openssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca-key.pem",
    "-out",
    "ca.pem",
    "-days",
    "1",
    "-subj",
    "/CN=infrablocks-test-ca",
  );
  for (const [name, subject, extension] of [
    ["server", "/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n"],
    ["client", "/CN=client", "extendedKeyUsage=clientAuth\n"],
  ] as const) {
    const key = name === "client" ? "key.pem" : "server-key.pem";
    const cert = name === "client" ? "cert.pem" : "server-cert.pem";
    await writeFile(file(`${name}.ext`), extension);
    await openssl(
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      key,
      "-out",
      `${name}.csr`,
      "-subj",
      subject,
    );
    await openssl(
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca-key.pem",
      "-CAcreateserial",
      "-out",
      cert,
      "-days",
      "1",
      "-extfile",
      `${name}.ext`,
    );
  }
  // Its own bridge: `--bridge=none` would make dockerd delete docker0, the main engine's bridge.
  const bridge = `ibtls${bridgeSuffix()}`;
  await run("ip", ["link", "add", bridge, "type", "bridge"]);
  await run("ip", ["addr", "add", "172.31.254.1/24", "dev", bridge]);
  await run("ip", ["link", "set", bridge, "up"]);
  const port = await freePort();
  const host = `tcp://127.0.0.1:${port}`;
  const daemon: ChildProcess = spawn(
    "dockerd",
    [
      "--data-root",
      file("data"),
      "--exec-root",
      file("exec"),
      "--pidfile",
      file("dockerd.pid"),
      "-H",
      host,
      "--tlsverify",
      "--tlscacert",
      file("ca.pem"),
      "--tlscert",
      file("server-cert.pem"),
      "--tlskey",
      file("server-key.pem"),
      `--bridge=${bridge}`,
      "--iptables=false",
      "--ip6tables=false",
    ],
    { stdio: "ignore" },
  );
  const env = { DOCKER_HOST: host, DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: directory };
  const cli = (...args: string[]) => run("docker", args, { env: { ...process.env, ...env } });
  const stop = async () => {
    if (daemon.exitCode === null) {
      const exited = new Promise((resolve) => daemon.once("exit", resolve));
      daemon.kill("SIGTERM");
      await Promise.race([exited, sleep(20_000)]);
    }
    await run("ip", ["link", "delete", bridge]).catch(() => undefined);
    await rm(directory, { recursive: true, force: true });
  };
  for (let attempt = 0; ; attempt++) {
    try {
      await cli("version");
      break;
    } catch (error) {
      if (attempt > 60 || daemon.exitCode !== null) {
        await stop();
        throw new Error(`the TLS dockerd did not start: ${(error as Error).message}`);
      }
      await sleep(500);
    }
  }
  // The image comes from the main engine: no registry is needed.
  await run("bash", [
    "-c",
    `docker save ${image} | DOCKER_HOST=${host} DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=${directory} docker load`,
  ]);
  return { host, certPath: directory, env, stop };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A short suffix for the bridge's name (interface names are at most 15 characters). */
function bridgeSuffix(): string {
  return String(process.pid % 100_000);
}
