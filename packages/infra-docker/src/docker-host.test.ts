import { isInfrablocksError } from "@infrablocks/core";
import { describe, expect, it } from "vitest";
import { resolveDockerHost } from "./docker-host.js";

describe("resolveDockerHost", () => {
  it.each([
    [undefined, "unix:///var/run/docker.sock", { socketPath: "/var/run/docker.sock" }],
    [
      "unix:///run/user/1000/docker.sock",
      "unix:///run/user/1000/docker.sock",
      { socketPath: "/run/user/1000/docker.sock" },
    ],
    ["unix://", "unix:///var/run/docker.sock", { socketPath: "/var/run/docker.sock" }],
    [
      "tcp://Docker.Example.com:2375",
      "tcp://docker.example.com:2375",
      { host: "docker.example.com", port: 2375, tls: false },
    ],
    ["tcp://10.0.0.5:2376", "tcp://10.0.0.5:2376", { host: "10.0.0.5", port: 2376, tls: true }],
    ["localhost:2375", "tcp://localhost:2375", { host: "localhost", port: 2375 }],
    ["tcp://[::1]:2375", "tcp://[::1]:2375", { host: "::1", port: 2375 }],
  ])("DOCKER_HOST=%s is %s", (value, endpoint, fields) => {
    const host = resolveDockerHost(value === undefined ? {} : { DOCKER_HOST: value });
    expect(host.endpoint).toBe(endpoint);
    expect(host).toMatchObject(fields);
  });

  it("turns on TLS with DOCKER_TLS_VERIFY", () => {
    expect(resolveDockerHost({ DOCKER_HOST: "tcp://h:2375", DOCKER_TLS_VERIFY: "1" }).tls).toBe(true);
  });

  it("reads ssh:// as the docker CLI does, naming the engine by user, host and port", () => {
    expect(resolveDockerHost({ DOCKER_HOST: "ssh://me@Build.example.com:2222" })).toEqual({
      endpoint: "ssh://me@build.example.com:2222",
      tls: false,
      source: "DOCKER_HOST=ssh://me@Build.example.com:2222",
      ssh: { host: "build.example.com", user: "me", port: 2222 },
    });
    expect(resolveDockerHost({ DOCKER_HOST: "ssh://[::1]" })).toMatchObject({
      endpoint: "ssh://[::1]",
      ssh: { host: "::1" },
    });
  });

  it("refuses an ssh:// address with a password or a path", () => {
    for (const [value, says] of [
      ["ssh://me:pw@host", "a password in the address is not supported"],
      ["ssh://me@host/var/run/docker.sock", "no path may follow the host"],
    ]) {
      try {
        resolveDockerHost({ DOCKER_HOST: value });
        expect.unreachable();
      } catch (error) {
        expect(isInfrablocksError(error, "INFRASTRUCTURE_ERROR")).toBe(true);
        expect((error as Error).message).toContain(says);
      }
    }
  });

  it("refuses a scheme Docker does not speak instead of reading it as a TCP address", () => {
    for (const value of ["bogus://x", "ftp://host:2375", "unx:///var/run/docker.sock"]) {
      try {
        resolveDockerHost({ DOCKER_HOST: value });
        expect.unreachable();
      } catch (error) {
        expect(isInfrablocksError(error, "INFRASTRUCTURE_ERROR")).toBe(true);
        expect((error as Error).message).toMatch(
          /has the scheme '\w+', which Docker does not speak; use unix:\/\//,
        );
      }
    }
    expect(resolveDockerHost({ DOCKER_HOST: "https://host" })).toMatchObject({
      endpoint: "tcp://host:2376",
      tls: true,
    });
  });
});
