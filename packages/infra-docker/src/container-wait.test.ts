import { isInfrablocksError } from "@infrablocks/core";
import { type FakeEngine, startFakeEngine } from "@infrablocks/test-support";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { awaitExit, watchExit } from "./container-wait.js";

const ID = "ab".repeat(32);

describe("waiting for a container's exit, against a fake engine", () => {
  let engine: FakeEngine;
  const warnings: string[] = [];
  const log = { info: () => {}, warn: (line: string) => warnings.push(line), error: () => {} };

  beforeEach(async () => {
    engine = await startFakeEngine();
    warnings.length = 0;
  });
  afterEach(() => engine.close());

  it("resolves once the engine has registered the wait, and reads the status code at exit", async () => {
    let finish: (() => void) | undefined;
    engine.handle((_request, response) => {
      response.writeHead(200, { "Content-Type": "application/json" });
      response.flushHeaders();
      finish = () => response.end('{"StatusCode":42,"Error":null}\n');
    });
    const watch = await watchExit(engine.docker, ID, "next-exit");
    expect(engine.seen[0]).toMatchObject({
      method: "POST",
      url: `/containers/${ID}/wait?condition=next-exit`,
    });
    finish?.();
    expect(await watch.outcome).toEqual({ kind: "exited", statusCode: 42 });
  });

  it("reports a container that is gone", async () => {
    engine.handle((_request, response) => response.writeHead(404).end('{"message":"No such container"}'));
    expect(await (await watchExit(engine.docker, ID, "next-exit")).outcome).toEqual({ kind: "gone" });
  });

  it("asks again with not-running when the connection breaks, and takes that answer", async () => {
    engine.handle((request, response) => {
      response.writeHead(200, { "Content-Type": "application/json" });
      if (request.url.includes("next-exit")) {
        response.flushHeaders();
        setImmediate(() => response.socket?.destroy());
      } else {
        response.end('{"StatusCode":5}');
      }
    });
    const outcome = await awaitExit(engine.docker, ID, await watchExit(engine.docker, ID, "next-exit"), log);
    expect(outcome).toEqual({ kind: "exited", statusCode: 5 });
    expect(engine.seen.map((request) => request.url)).toEqual([
      `/containers/${ID}/wait?condition=next-exit`,
      `/containers/${ID}/wait?condition=not-running`,
    ]);
    expect(warnings[0]).toContain("Lost the engine's wait");
  });

  it("gives up after a bounded number of attempts with an error that says what to check", async () => {
    engine.handle((_request, response) => {
      response.writeHead(200);
      response.end('{"Status');
    });
    const error = await awaitExit(
      engine.docker,
      ID,
      await watchExit(engine.docker, ID, "next-exit"),
      log,
    ).catch((caught: unknown) => caught);
    expect(isInfrablocksError(error, "INFRASTRUCTURE_ERROR")).toBe(true);
    expect((error as Error).message).toContain(`docker inspect ${ID.slice(0, 12)}`);
    expect(engine.seen).toHaveLength(4);
  }, 20_000);
});
