import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import Docker from "dockerode";
import { BUSYBOX_IMAGE, buildImage, ensureBusyboxImage } from "./images.js";

/** A private registry (Debian's docker-registry) with htpasswd auth, holding the busybox test image. */
export interface LocalRegistry {
  /** `127.0.0.1:<port>`; the engine allows plain HTTP to 127.0.0.0/8. */
  readonly address: string;
  readonly username: string;
  readonly password: string;
  /**
   * `<address>/infrablocks/busybox:1.0`: busybox plus a layer of its own, pushed and then removed from
   * the engine, so a pull downloads that layer.
   */
  readonly image: string;
  /** Builds `name:tag` from `dockerfile`, pushes it here, drops the local copy, and answers its full reference. */
  push(nameAndTag: string, dockerfile: string): Promise<string>;
  stop(): Promise<void>;
}

/** Starts a registry on a free port, pushes the busybox image to it, and drops the local copy. */
export async function startLocalRegistry(): Promise<LocalRegistry> {
  const directory = await mkdtemp(join(tmpdir(), "infrablocks-registry-"));
  const username = "infrablocks";
  const password = `pw-${Math.random().toString(36).slice(2)}-secret`;
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  await writeFile(join(directory, "htpasswd"), await htpasswdLine(username, password));
  await writeFile(
    join(directory, "config.yml"),
    [
      "version: 0.1",
      "log:",
      "  level: error",
      "storage:",
      "  filesystem:",
      `    rootdirectory: ${join(directory, "data")}`,
      "  delete:",
      "    enabled: true",
      "http:",
      `  addr: ${address}`,
      "auth:",
      "  htpasswd:",
      "    realm: infrablocks-test",
      `    path: ${join(directory, "htpasswd")}`,
      "",
    ].join("\n"),
  );
  const server = spawn("docker-registry", ["serve", join(directory, "config.yml")], { stdio: "ignore" });
  const stop = async () => {
    await terminate(server);
    await rm(directory, { recursive: true, force: true });
  };
  try {
    await waitForUnauthorized(`http://${address}/v2/`);
    const authconfig = { username, password, serveraddress: address };
    const push = async (nameAndTag: string, dockerfile: string) => {
      const image = `${address}/${nameAndTag}`;
      await pushTestImage(image, dockerfile, authconfig);
      return image;
    };
    const stamp = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const image = await push(
      "infrablocks/busybox:1.0",
      `FROM ${BUSYBOX_IMAGE}\nRUN echo ${stamp} > /registry-stamp\n`,
    );
    return { address, username, password, image, push, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

// --- Internal helpers ---

async function htpasswdLine(username: string, password: string): Promise<string> {
  // -i reads the password from stdin, so it never shows in a process list.
  return new Promise((resolve, reject) => {
    const child = execFile("htpasswd", ["-niB", username], (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
    child.stdin?.end(`${password}\n`);
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as { port: number }).port;
  server.close();
  await once(server, "close");
  return port;
}

async function waitForUnauthorized(url: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const status = await fetch(url).then(
      (response) => response.status,
      () => undefined,
    );
    if (status === 401) return;
    if (Date.now() > deadline) throw new Error(`the test registry at ${url} did not answer 401 within 15s`);
    await sleep(100);
  }
}

async function pushTestImage(
  image: string,
  dockerfile: string,
  authconfig: { username: string; password: string; serveraddress: string },
): Promise<void> {
  const docker = new Docker();
  await ensureBusyboxImage();
  await buildImage(image, dockerfile);
  const stream = await docker.getImage(image).push({ authconfig });
  const events = await new Promise<{ error?: string }[]>((resolve, reject) =>
    docker.modem.followProgress(stream, (error: Error | null, output: { error?: string }[]) =>
      error ? reject(error) : resolve(output),
    ),
  );
  const failure = events.find((event) => event.error);
  if (failure) throw new Error(`pushing ${image} failed: ${failure.error}`);
  // Pruning drops the image's own layer; the busybox base stays, tagged.
  await docker.getImage(image).remove();
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const gone = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
  if (!gone) {
    child.kill("SIGKILL");
    await exited;
  }
}
