import { Redactor } from "@infrablocks/core";
import { describe, expect, it } from "vitest";
import { resolveDockerHost } from "./docker-host.js";
import { engineMessage, isConnectionError, unreachableError } from "./engine-errors.js";

const modemError = (statusCode: number, message: string) =>
  Object.assign(new Error(`(HTTP code ${statusCode}) server error - ${message} `), {
    statusCode,
    json: { message },
  });
const systemError = (code: string) =>
  Object.assign(new Error(`connect ${code} /var/run/docker.sock`), { code });

describe("engine errors", () => {
  it("takes the engine's own message and scrubs it", () => {
    const redactor = new Redactor();
    redactor.add("s3cret-value");
    expect(
      engineMessage(modemError(400, "invalid env FOO=s3cret-value"), (text) => redactor.redact(text)),
    ).toBe("invalid env FOO=********");
    expect(engineMessage(systemError("ECONNREFUSED"))).toBe("connect ECONNREFUSED /var/run/docker.sock");
  });

  it("tells a transport failure from an engine answer", () => {
    expect(isConnectionError(systemError("ENOENT"))).toBe(true);
    expect(isConnectionError(systemError("EACCES"))).toBe(true);
    expect(isConnectionError(modemError(500, "boom"))).toBe(false);
  });

  it("says what to do about an engine it cannot reach", () => {
    const host = resolveDockerHost({ DOCKER_HOST: "unix:///run/docker.sock" });
    const denied = unreachableError(host, systemError("EACCES"));
    expect(denied.code).toBe("INFRASTRUCTURE_ERROR");
    expect(denied.message).toContain("DOCKER_HOST=unix:///run/docker.sock");
    expect(denied.message).toContain("docker group");
    expect(unreachableError(host, systemError("ENOENT")).message).toContain("start the Docker Engine");
  });
});
