import type { ServerResponse } from "node:http";
import { isInfrablocksError } from "@infrablocks/core";
import { registryAuth } from "@infrablocks/docker-registry";
import { type FakeEngine, startFakeEngine } from "@infrablocks/test-support";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseImageReference } from "./image-reference.js";
import { pullImage } from "./image-pull.js";

/** A fake engine on a unix socket: each test says how /images/create answers. */
describe("pullImage against a fake engine", () => {
  let engine: FakeEngine;
  const lines: string[] = [];
  const log = { info: (line: string) => lines.push(line), warn: () => {}, error: () => {} };
  let answer: (response: ServerResponse) => void;

  beforeEach(async () => {
    engine = await startFakeEngine();
    engine.handle((_request, response) => answer(response));
    lines.length = 0;
  });
  afterEach(() => engine.close());

  const progress =
    (...events: unknown[]) =>
    (response: ServerResponse) => {
      response.writeHead(200, { "Content-Type": "application/json" });
      for (const event of events) response.write(`${JSON.stringify(event)}\r\n`);
      response.end();
    };

  it("sends the credentials in the X-Registry-Auth header only, and reports progress", async () => {
    answer = progress(
      { status: "Pulling from team/app", id: "1.0" },
      { status: "Downloading", id: "0123456789ab", progressDetail: { current: 1, total: 2 } },
      { status: "Downloading", id: "0123456789ab", progressDetail: { current: 2, total: 2 } },
      { status: "Pull complete", id: "0123456789ab" },
    );
    const auth = registryAuth({
      serverAddress: "r.example.com:5000",
      username: "me",
      password: "pw-secret-1",
    });
    await pullImage(engine.docker, parseImageReference("r.example.com:5000/team/app:1.0"), auth, log);
    expect(engine.seen[0]?.url).toBe("/images/create?fromImage=r.example.com%3A5000%2Fteam%2Fapp&tag=1.0");
    expect(engine.seen[0]?.headers["x-registry-auth"]).toBe(auth.header);
    expect(lines.at(-1)).toMatch(
      /^Pulled 'r\.example\.com:5000\/team\/app:1\.0': 2 B in 1 new layer, \d+\.\ds\.$/,
    );
    expect(lines.join("\n")).not.toContain("pw-secret-1");
  });

  it("pulls by digest when the reference has one", async () => {
    answer = progress({ status: "Status: Downloaded" });
    const digest = `sha256:${"c".repeat(64)}`;
    await pullImage(engine.docker, parseImageReference(`team/app:1.0@${digest}`), undefined, log);
    expect(engine.seen[0]?.url).toBe(`/images/create?fromImage=team%2Fapp&tag=${encodeURIComponent(digest)}`);
    expect(engine.seen[0]?.headers["x-registry-auth"]).toBeUndefined();
  });

  it("fails on an error line inside a 200 stream, scrubbing the password", async () => {
    answer = progress(
      { status: "Pulling fs layer", id: "0123456789ab" },
      { status: "Downloading", id: "0123456789ab" },
      { status: "Downloading", id: "0123456789ab" },
      { errorDetail: { message: "unauthorized: pw-secret-1 rejected" }, error: "unauthorized" },
    );
    const auth = registryAuth({ serverAddress: "r.example.com", username: "me", password: "pw-secret-1" });
    const error = await pullImage(engine.docker, parseImageReference("r.example.com/app:1"), auth, log).catch(
      (caught: unknown) => caught,
    );
    expect(isInfrablocksError(error, "INFRASTRUCTURE_ERROR")).toBe(true);
    expect((error as Error).message).toContain(
      "pulling 'r.example.com/app:1' failed: unauthorized: ******** rejected",
    );
    expect((error as Error).message).toContain("refused the credentials of 'me'");
  });

  it("fails on a line that is not JSON, without crashing", async () => {
    answer = (response) => {
      response.writeHead(200);
      response.end('{"status":"Pulling"}\n{"status": tru');
    };
    await expect(pullImage(engine.docker, parseImageReference("app:1"), undefined, log)).rejects.toThrow(
      "unreadable progress line",
    );
  });

  it("reports an HTTP error with the engine's message and a hint", async () => {
    answer = (response) => {
      response.writeHead(404, { "Content-Type": "application/json" });
      response.end(JSON.stringify({ message: "manifest for app:nope not found: manifest unknown" }));
    };
    await expect(pullImage(engine.docker, parseImageReference("app:nope"), undefined, log)).rejects.toThrow(
      /manifest unknown\. Check the image's name and tag\./,
    );
  });

  it("fails when the engine cuts the stream", async () => {
    answer = (response) => {
      response.writeHead(200);
      response.write('{"status":"Downloading","id":"l1"}\n');
      setImmediate(() => response.socket?.destroy());
    };
    await expect(pullImage(engine.docker, parseImageReference("app:1"), undefined, log)).rejects.toThrow(
      /pulling 'app:1' failed/,
    );
  });
});
