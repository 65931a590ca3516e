import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { engineConfigured, supportsHostGateway } from "./docker-client.js";

describe("supportsHostGateway", () => {
  it.each([
    ["1.41", true], // Docker Engine 20.10, and Podman 4.3 (product version 4.3.1)
    ["1.43", true],
    ["1.40", false], // Docker Engine 19.03
    ["2.0", true],
  ])("API %s: %s", (apiVersion, expected) => {
    expect(supportsHostGateway(apiVersion)).toBe(expected);
  });
});

describe("engineConfigured", () => {
  const missing = join(tmpdir(), `ib-no-socket-${process.pid}`);
  const noConfig = join(tmpdir(), `ib-no-docker-config-${process.pid}`);

  it("is false when nothing names an engine and the default socket does not exist", () => {
    expect(engineConfigured({ DOCKER_CONFIG: noConfig }, missing)).toBe(false);
  });

  it("is true when the default socket exists", async () => {
    const home = await mkdtemp(join(tmpdir(), "ib-socket-"));
    const socket = join(home, "docker.sock");
    await writeFile(socket, "");
    expect(engineConfigured({ DOCKER_CONFIG: noConfig }, socket)).toBe(true);
  });

  it("is true when DOCKER_HOST names an engine, even one that is not there", () => {
    expect(engineConfigured({ DOCKER_CONFIG: noConfig, DOCKER_HOST: `unix://${missing}` }, missing)).toBe(
      true,
    );
    expect(engineConfigured({ DOCKER_CONFIG: noConfig, DOCKER_HOST: "tcp://127.0.0.1:1" }, missing)).toBe(
      true,
    );
  });
});
