import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { isInfrablocksError } from "@infrablocks/core";
import { BUSYBOX_IMAGE, dockerAvailable, ensureBusyboxImage } from "@infrablocks/test-support";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { dockerContainer, removeTestContainers, runBlock } from "../support/run-block.js";

const run = promisify(execFile);
const available = await dockerAvailable();
// The engine's other socket path, so that an identifier shows which way the engine was reached.
const CONTEXT_HOST = "unix:///run/docker.sock";

describe.runIf(available)("the engine a Docker context names, made with the real `docker context`", () => {
  let config: string;
  const saved = { DOCKER_CONFIG: process.env.DOCKER_CONFIG, DOCKER_CONTEXT: process.env.DOCKER_CONTEXT };
  const savedHost = process.env.DOCKER_HOST;
  const dockerCli = (...args: string[]) =>
    run("docker", args, { env: { ...process.env, DOCKER_CONFIG: config } });
  const echo = () =>
    dockerContainer({
      image: BUSYBOX_IMAGE,
      imagePullPolicy: "Never",
      command: ["echo", "via context"],
      autoRemove: true,
    });

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
});
