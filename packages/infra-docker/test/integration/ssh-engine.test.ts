import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isInfrablocksError, killContext } from "@infrablocks/core";
import {
  BUSYBOX_IMAGE,
  dockerAvailable,
  ensureBusyboxImage,
  sshdAvailable,
  startSshd,
  type TestSshd,
} from "@infrablocks/test-support";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  docker,
  dockerContainer,
  infrastructure,
  removeTestContainers,
  runBlock,
  waitUntilRunning,
} from "../support/run-block.js";

const available = (await dockerAvailable()) && sshdAvailable();
const NAMES = ["DOCKER_HOST", "DOCKER_CONTEXT", "PATH"];
const log = { info: () => {}, warn: () => {}, error: () => {} };

/**
 * An `ssh://` engine through the local sshd: `docker system dial-stdio` there reaches this machine's
 * engine. The driver runs `ssh` from PATH as the docker CLI does; the test puts one first that is the
 * system ssh with a config naming the throw-away key and known host, as a user's ~/.ssh/config would.
 */
describe.runIf(available)("an ssh:// engine (the local sshd, docker system dial-stdio)", () => {
  let sshd: TestSshd;
  let folder: string;
  const saved = Object.fromEntries(NAMES.map((name) => [name, process.env[name]]));
  const busybox = (fields: Record<string, unknown>) =>
    dockerContainer({ image: BUSYBOX_IMAGE, imagePullPolicy: "Never", autoRemove: true, ...fields });
  const useSsh = (user = sshd.user) => {
    process.env.PATH = `${folder}:${saved.PATH}`;
    process.env.DOCKER_HOST = `ssh://${user}@${sshd.host}:${sshd.port}`;
    delete process.env.DOCKER_CONTEXT;
  };

  beforeAll(async () => {
    await ensureBusyboxImage();
    sshd = await startSshd();
    folder = await mkdtemp(join(tmpdir(), "infrablocks-ssh-client-"));
    await writeFile(join(folder, "key"), sshd.privateKey, { mode: 0o600 });
    await writeFile(join(folder, "known_hosts"), sshd.knownHosts);
    await writeFile(
      join(folder, "config"),
      [
        `Host ${sshd.host}`,
        `  IdentityFile ${join(folder, "key")}`,
        "  IdentitiesOnly yes",
        `  UserKnownHostsFile ${join(folder, "known_hosts")}`,
        "  StrictHostKeyChecking yes",
        "  BatchMode yes",
        "",
      ].join("\n"),
    );
    await writeFile(join(folder, "ssh"), `#!/bin/sh\nexec /usr/bin/ssh -F ${join(folder, "config")} "$@"\n`);
    await chmod(join(folder, "ssh"), 0o755);
  }, 60_000);
  afterEach(() => {
    for (const name of NAMES) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });
  afterAll(async () => {
    await removeTestContainers();
    await sshd?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it("runs a container there; the identifier names the ssh endpoint", async () => {
    useSsh();
    const run = await runBlock(
      busybox({ command: ["sh", "-c", "echo over ssh; echo to stderr >&2; exit 3"] }),
    );
    expect(run.result.statusCode).toBe(3);
    expect(run.stdout).toBe("over ssh\n");
    expect(run.stderr).toBe("to stderr\n");
    expect(run.identifier).toMatch(
      new RegExp(`^ssh://${sshd.user}@127\\.0\\.0\\.1:${sshd.port}:[0-9a-f]{64}$`),
    );
  }, 60_000);

  it("kills through the same endpoint, and refuses to from another engine", async () => {
    useSsh();
    let killed: Promise<unknown> | undefined;
    const run = await runBlock(busybox({ command: ["sh", "-c", "while true; do sleep 1; done"] }), {
      onStarted: (identifier) => {
        killed = waitUntilRunning(identifier.slice(identifier.lastIndexOf(":") + 1)).then(async () => {
          const infra = await infrastructure();
          // The same container on the local socket is another endpoint to the driver.
          process.env.DOCKER_HOST = "unix:///var/run/docker.sock";
          const refused = await infra
            .kill(busybox({}), identifier, killContext({ log, graceSeconds: 1 }))
            .catch((error: unknown) => error);
          useSsh();
          await infra.kill(busybox({}), identifier, killContext({ log, graceSeconds: 1 }));
          return refused;
        });
      },
    });
    const refused = await killed;
    expect(isInfrablocksError(refused, "INFRASTRUCTURE_NOT_AVAILABLE"), String(refused)).toBe(true);
    expect((refused as Error).message).toContain(`ssh://${sshd.user}@127.0.0.1:${sshd.port}`);
    expect(run.result.statusCode).toBe(137);
    await expect(docker.getContainer(run.containerId).inspect()).rejects.toThrow();
  }, 60_000);

  it("says what ssh said when it cannot log in", async () => {
    useSsh("nobody-here");
    const error = await runBlock(busybox({ command: ["true"] })).catch((caught: unknown) => caught);
    expect(isInfrablocksError(error, "INFRASTRUCTURE_ERROR"), String(error)).toBe(true);
    expect((error as Error).message).toContain(
      `Cannot reach the Docker Engine at ssh://nobody-here@127.0.0.1:${sshd.port}`,
    );
    expect((error as Error).message).toContain("Permission denied");
    // kill, which asks the engine nothing first, says it too.
    const identifier = `ssh://nobody-here@127.0.0.1:${sshd.port}:${"0".repeat(64)}`;
    const killError = await (await infrastructure())
      .kill(busybox({}), identifier, killContext({ log, graceSeconds: 1 }))
      .catch((caught: unknown) => caught);
    expect((killError as Error).message).toContain("Permission denied");
  }, 60_000);
});
