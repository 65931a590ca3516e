import { PassThrough } from "node:stream";
import {
  isInfrablocksError,
  loadInfrastructure,
  newRunId,
  driverContext,
  killContext,
} from "@infrablocks/core";
import { type FakeEngine, startFakeEngine } from "@infrablocks/test-support";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type DockerContainerBlock, dockerContainerBlockType } from "./docker-container-block.js";

const CLOSED_SOCKET = "unix:///tmp/infrablocks-no-engine-here.sock";
const ID = "0123456789abcdef".repeat(4);
const log = { info: () => {}, warn: () => {}, error: () => {} };

/** Everything here runs with DOCKER_HOST at a socket nobody listens on: no engine is needed. */
describe("docker-container without an engine", () => {
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = CLOSED_SOCKET;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
  });

  const infrastructure = () => loadInfrastructure(dockerContainerBlockType);
  const block = (fields: Record<string, unknown> = {}): DockerContainerBlock =>
    dockerContainerBlockType.schema.parse({ image: "busybox:1.36", command: ["echo", "hi"], ...fields });

  it("previews the create settings as JSON, secrets masked", async () => {
    const config = block({
      name: "preview me",
      env: { SERVICE_KEY: "k-very-secret", MODE: "fast" },
      networks: ["a", "b"],
      imageRegistry: {
        type: "docker-registry",
        username: "u",
        password: "registry-secret",
        registryUrl: "docker.io",
      },
    });
    const text = await (await infrastructure()).preview(
      config,
      driverContext({
        baseEnvironment: {
          INFRABLOCKS_API_URL: "http://localhost:4200/api",
          INFRABLOCKS_API_KEY: "api-key-secret",
        },
      }),
    );
    expect(text).not.toMatch(/k-very-secret|registry-secret|api-key-secret/);
    const document = JSON.parse(text);
    expect(document.name).toBe("preview-me");
    expect(document.connectNetworks).toEqual(["b"]);
    expect(document.pull).toMatchObject({ image: "busybox:1.36", policy: "IfNotPresent" });
    expect(document.create.Env).toEqual([
      "INFRABLOCKS_API_URL=http://host.docker.internal:4200/api",
      "INFRABLOCKS_API_KEY=********",
      "SERVICE_KEY=********",
      "MODE=fast",
    ]);
    if (process.platform === "linux") {
      expect(document.create.HostConfig.ExtraHosts).toEqual(["host.docker.internal:host-gateway"]);
    }
  });

  it("refuses to preview or run without a command", async () => {
    const infra = await infrastructure();
    await expect(
      infra.preview(block({ command: undefined }), driverContext({ baseEnvironment: {} })),
    ).rejects.toSatisfy((error) => isInfrablocksError(error, "EMPTY_COMMAND"));
  });

  it("says which engine it could not reach and what to do", async () => {
    const error = await (await infrastructure())
      .run(block(), {
        stdout: new PassThrough(),
        stderr: new PassThrough(),
        log,
        baseEnvironment: {},
        redact: (text: string) => text,
        runId: newRunId(),
        onStarted: () => expect.unreachable(),
      })
      .catch((caught: unknown) => caught);
    expect(isInfrablocksError(error, "INFRASTRUCTURE_ERROR")).toBe(true);
    expect((error as Error).message).toContain(`Cannot reach the Docker Engine at ${CLOSED_SOCKET}`);
    expect((error as Error).message).toContain(`DOCKER_HOST=${CLOSED_SOCKET}`);
    expect((error as Error).message).toContain("start the Docker Engine, or set DOCKER_HOST");
  });

  it("reports a bad field combination before contacting the engine", async () => {
    const config = block({ networks: ["a"], networkMode: "bridge" });
    const context = {
      stdout: new PassThrough(),
      stderr: new PassThrough(),
      log,
      baseEnvironment: {},
      redact: (text: string) => text,
      runId: newRunId(),
      onStarted() {},
    };
    await expect((await infrastructure()).run(config, context)).rejects.toSatisfy((error) =>
      isInfrablocksError(error, "INVALID_DOCUMENT"),
    );
  });

  it("refuses to kill a container of another engine, or a malformed identifier", async () => {
    const infra = await infrastructure();
    const context = killContext(killContext({ log, graceSeconds: 1 }));
    await expect(infra.kill(block(), `tcp://elsewhere:2375:${ID}`, context)).rejects.toSatisfy(
      (error) =>
        isInfrablocksError(error, "INFRASTRUCTURE_NOT_AVAILABLE") &&
        (error as Error).message.includes("'tcp://elsewhere:2375'"),
    );
    await expect(infra.kill(block(), "not-an-identifier", context)).rejects.toSatisfy((error) =>
      isInfrablocksError(error, "INVALID_IDENTIFIER"),
    );
  });

  it("says the engine is unreachable when killing", async () => {
    const error = await (await infrastructure())
      .kill(block(), `${CLOSED_SOCKET}:${ID}`, killContext({ log, graceSeconds: 1 }))
      .catch((caught: unknown) => caught);
    expect(isInfrablocksError(error, "INFRASTRUCTURE_ERROR")).toBe(true);
    expect((error as Error).message).toContain("Cannot reach the Docker Engine");
  });
});

describe("docker-container's masking of engine messages", () => {
  let engine: FakeEngine;
  let saved: string | undefined;
  beforeEach(async () => {
    engine = await startFakeEngine();
    saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = `unix://${(engine.docker.modem as unknown as { socketPath: string }).socketPath}`;
  });
  afterEach(async () => {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
    await engine.close();
  });

  it("masks with the context's redact, and createOptions.Env's secret-named values too", async () => {
    // An engine that refuses the create, echoing the environment back (as Docker does for a bad entry).
    engine.handle((request, response) => {
      if (request.url.endsWith("/version")) return response.writeHead(200).end('{"ApiVersion":"1.41"}');
      if (request.url.includes("/images/")) return response.writeHead(200).end("{}");
      response
        .writeHead(400)
        .end(JSON.stringify({ message: `invalid environment: ${JSON.parse(request.body).Env}` }));
    });
    const config = dockerContainerBlockType.schema.parse({
      image: "busybox:1.36",
      command: ["true"],
      env: { SERVICE_TOKEN: "context-knows-this" },
      createOptions: { Env: ["DB_PASSWORD=only-the-driver-sees-this"] },
    });
    const error = await (await loadInfrastructure(dockerContainerBlockType))
      .run(config, {
        stdout: new PassThrough(),
        stderr: new PassThrough(),
        log,
        baseEnvironment: {},
        // What core and the CLI give a driver: a redact that knows the block's secrets.
        redact: (text) => text.replaceAll("context-knows-this", "********"),
        runId: newRunId(),
        onStarted: () => expect.unreachable(),
      })
      .catch((caught: unknown) => caught);
    expect(isInfrablocksError(error, "INFRASTRUCTURE_ERROR")).toBe(true);
    expect((error as Error).message).toContain("Creating the container failed: invalid environment:");
    expect((error as Error).message).toContain("SERVICE_TOKEN=********");
    expect((error as Error).message).toContain("DB_PASSWORD=********");
    expect((error as Error).message).not.toMatch(/context-knows-this|only-the-driver-sees-this/);
  });
});
