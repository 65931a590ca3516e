import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { isInfrablocksError, killContext } from "@infrablocks/core";
import { BUSYBOX_IMAGE, dockerAvailable, ensureBusyboxImage } from "@infrablocks/test-support";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  dockerContainer,
  infrastructure,
  removeTestContainers,
  runBlock,
  waitUntilRunning,
} from "../support/run-block.js";

const run = promisify(execFile);
const available = await dockerAvailable();
// The engine's other socket path, so that an identifier shows which way the engine was reached.
const CONTEXT_HOST = "unix:///run/docker.sock";
// Nothing listens there: an engine reached in spite of it was not reached through DOCKER_HOST.
const DEAD_HOST = "unix:///tmp/infrablocks-no-engine-here.sock";
const log = { info: () => {}, warn: () => {}, error: () => {} };

describe.runIf(available)("the engine a Docker context names, made with the real `docker context`", () => {
  let config: string;
  const saved = { DOCKER_CONFIG: process.env.DOCKER_CONFIG, DOCKER_CONTEXT: process.env.DOCKER_CONTEXT };
  const savedHost = process.env.DOCKER_HOST;
  const dockerCli = (...args: string[]) =>
    run("docker", args, { env: { ...process.env, DOCKER_CONFIG: config } });
  const echo = (fields: Record<string, unknown> = {}) =>
    dockerContainer({
      image: BUSYBOX_IMAGE,
      imagePullPolicy: "Never",
      command: ["echo", "via context"],
      autoRemove: true,
      ...fields,
    });
  const withDockerHost = async <T>(value: string, action: () => Promise<T>): Promise<T> => {
    process.env.DOCKER_HOST = value;
    try {
      return await action();
    } finally {
      delete process.env.DOCKER_HOST;
    }
  };

  beforeAll(async () => {
    await ensureBusyboxImage();
    config = await mkdtemp(join(tmpdir(), "infrablocks-docker-context-"));
    process.env.DOCKER_CONFIG = config;
    delete process.env.DOCKER_HOST;
    await dockerCli("context", "create", "ib-test", "--docker", `host=${CONTEXT_HOST}`);
  });
  afterEach(() => {
    delete process.env.DOCKER_CONTEXT;
  });
  afterAll(async () => {
    await removeTestContainers();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    if (savedHost !== undefined) process.env.DOCKER_HOST = savedHost;
    await rm(config, { recursive: true, force: true });
  });

  it("runs on the engine DOCKER_CONTEXT names; the identifier names that endpoint", async () => {
    process.env.DOCKER_CONTEXT = "ib-test";
    const result = await runBlock(echo());
    expect(result.result.statusCode).toBe(0);
    expect(result.stdout).toBe("via context\n");
    expect(result.identifier.startsWith(CONTEXT_HOST)).toBe(true);
  });

  it("follows `docker context use` (the config's currentContext)", async () => {
    await dockerCli("context", "use", "ib-test");
    try {
      const result = await runBlock(echo());
      expect(result.identifier.startsWith(CONTEXT_HOST)).toBe(true);
    } finally {
      await dockerCli("context", "use", "default");
    }
  });

  it("lets DOCKER_HOST win over DOCKER_CONTEXT, as the docker CLI does", async () => {
    process.env.DOCKER_CONTEXT = "ib-test";
    process.env.DOCKER_HOST = "unix:///var/run/docker.sock";
    try {
      const result = await runBlock(echo());
      expect(result.identifier.startsWith("unix:///var/run/docker.sock")).toBe(true);
    } finally {
      delete process.env.DOCKER_HOST;
    }
  });

  it("says which context does not exist", async () => {
    process.env.DOCKER_CONTEXT = "no-such-context";
    const error = await runBlock(echo()).catch((caught: unknown) => caught);
    expect(isInfrablocksError(error, "INFRASTRUCTURE_ERROR")).toBe(true);
    expect((error as Error).message).toContain("DOCKER_CONTEXT=no-such-context: no such Docker context");
  });

  describe("the dockerContext field, as docker --context", () => {
    it("wins over DOCKER_HOST and DOCKER_CONTEXT, as the real CLI's --context does", async () => {
      process.env.DOCKER_CONTEXT = "no-such-context";
      await withDockerHost(DEAD_HOST, async () => {
        // The docker CLI itself, with the same environment: --context beats both.
        const cli = await dockerCli("--context", "ib-test", "version", "--format", "{{.Server.APIVersion}}");
        expect(cli.stdout.trim()).toMatch(/^1\.\d+$/);
        const result = await runBlock(echo({ dockerContext: "ib-test" }));
        expect(result.result.statusCode).toBe(0);
        expect(result.stdout).toBe("via context\n");
        expect(result.identifier.startsWith(`${CONTEXT_HOST}:`)).toBe(true);
      });
    });

    it("kills through the context it names; a block that reaches another engine refuses", async () => {
      const block = echo({ dockerContext: "ib-test", command: ["sleep", "120"] });
      let killed: Promise<void> | undefined;
      let refused: unknown;
      const run = await withDockerHost(DEAD_HOST, () =>
        runBlock(block, {
          onStarted: (identifier) => {
            killed = waitUntilRunning(identifier.slice(identifier.lastIndexOf(":") + 1)).then(async () => {
              const infra = await infrastructure();
              // Without the field, this block reaches DOCKER_HOST's engine, which is not the container's.
              refused = await infra
                .kill(echo(), identifier, killContext({ log, graceSeconds: 1 }))
                .catch((caught: unknown) => caught);
              await infra.kill(block, identifier, killContext({ log, graceSeconds: 1 }));
            });
          },
        }),
      );
      await killed;
      expect(run.result.statusCode).toBe(137);
      expect(isInfrablocksError(refused, "INFRASTRUCTURE_NOT_AVAILABLE")).toBe(true);
      expect((refused as Error).message).toContain(`'${CONTEXT_HOST}'`);
      expect((refused as Error).message).toContain(
        `this block reaches '${DEAD_HOST}' (DOCKER_HOST=${DEAD_HOST})`,
      );
    });

    it('takes "default" to be DOCKER_HOST, else the local socket, over DOCKER_CONTEXT', async () => {
      process.env.DOCKER_CONTEXT = "ib-test";
      const local = await runBlock(echo({ dockerContext: "default" }));
      expect(local.identifier.startsWith("unix:///var/run/docker.sock:")).toBe(true);
      const viaHost = await withDockerHost("unix:///run/docker.sock", () =>
        runBlock(echo({ dockerContext: "default" })),
      );
      expect(viaHost.identifier.startsWith(`${CONTEXT_HOST}:`)).toBe(true);
    });

    it("names the field when the context does not exist", async () => {
      const error = await runBlock(echo({ dockerContext: "no-such-context" })).catch(
        (caught: unknown) => caught,
      );
      expect(isInfrablocksError(error, "INFRASTRUCTURE_ERROR")).toBe(true);
      expect((error as Error).message).toContain("dockerContext 'no-such-context': no such Docker context");
    });
  });
});
