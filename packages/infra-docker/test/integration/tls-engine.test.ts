import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { BUSYBOX_IMAGE, dockerAvailable, ensureBusyboxImage } from "@infrablocks/test-support";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { dockerContainer, runBlock } from "../support/run-block.js";
import { startTlsEngine, type TlsEngine } from "../support/tls-engine.js";

const run = promisify(execFile);
// A second dockerd needs root, as CI has.
const available = (await dockerAvailable()) && process.getuid?.() === 0;
const NAMES = ["DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_CONFIG", "DOCKER_CONTEXT"];

describe.runIf(available)("a TLS-only engine on 127.0.0.1 (certificates by openssl)", () => {
  let engine: TlsEngine;
  let config: string;
  const saved = Object.fromEntries(NAMES.map((name) => [name, process.env[name]]));
  // autoRemove off: the test engine is thrown away whole.
  const echo = () =>
    dockerContainer({ image: BUSYBOX_IMAGE, imagePullPolicy: "Never", command: ["echo", "over tls"] });

  beforeAll(async () => {
    await ensureBusyboxImage();
    engine = await startTlsEngine(BUSYBOX_IMAGE);
    config = await mkdtemp(join(tmpdir(), "infrablocks-docker-config-"));
  }, 120_000);
  afterEach(() => {
    for (const name of NAMES) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });
  afterAll(async () => {
    await engine?.stop();
    if (config) await rm(config, { recursive: true, force: true });
  }, 60_000);

  it("runs there through DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH", async () => {
    Object.assign(process.env, engine.env);
    const result = await runBlock(echo());
    expect(result.result.statusCode).toBe(0);
    expect(result.stdout).toBe("over tls\n");
    expect(result.identifier.startsWith(engine.host)).toBe(true);
  });

  it("runs there through a context made by `docker context create` with the TLS material", async () => {
    const material = ["ca", "cert", "key"].map((name) => `${name}=${join(engine.certPath, `${name}.pem`)}`);
    await run(
      "docker",
      ["context", "create", "ib-tls", "--docker", [`host=${engine.host}`, ...material].join(",")],
      {
        env: { ...process.env, DOCKER_CONFIG: config },
      },
    );
    // Moved away, so only the context's own copy of the certificates can be used.
    delete process.env.DOCKER_HOST;
    delete process.env.DOCKER_CERT_PATH;
    process.env.DOCKER_CONFIG = config;
    process.env.DOCKER_CONTEXT = "ib-tls";
    const result = await runBlock(echo());
    expect(result.result.statusCode).toBe(0);
    expect(result.stdout).toBe("over tls\n");
    expect(result.identifier.startsWith(engine.host)).toBe(true);
  });
});
