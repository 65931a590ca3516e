import { afterEach, describe, expect, it, vi } from "vitest";
import { dockerAvailable } from "./docker-gate.js";

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  vi.resetModules();
});

describe("dockerAvailable", () => {
  it("answers false for a socket where no engine listens", async () => {
    process.env.DOCKER_HOST = "unix:///nonexistent/docker.sock";
    delete process.env.INFRABLOCKS_REQUIRE_DOCKER;
    expect(await dockerAvailable()).toBe(false);
  });

  it("throws instead when INFRABLOCKS_REQUIRE_DOCKER=1, naming the address", async () => {
    process.env.DOCKER_HOST = "unix:///nonexistent/docker.sock";
    process.env.INFRABLOCKS_REQUIRE_DOCKER = "1";
    await expect(dockerAvailable()).rejects.toThrow("unix:///nonexistent/docker.sock");
  });
});

describe("kubectlAvailable", () => {
  // KUBECTL is read when the module loads, so each case imports it afresh.
  const gate = () => import("./kubectl-gate.js");

  it("answers false for a kubectl that does not run", async () => {
    process.env.INFRABLOCKS_KUBECTL = "/nonexistent/kubectl";
    delete process.env.INFRABLOCKS_REQUIRE_KUBECTL;
    expect(await (await gate()).kubectlAvailable()).toBe(false);
  });

  it("throws instead when INFRABLOCKS_REQUIRE_KUBECTL=1, naming the command", async () => {
    process.env.INFRABLOCKS_KUBECTL = "/nonexistent/kubectl";
    process.env.INFRABLOCKS_REQUIRE_KUBECTL = "1";
    await expect((await gate()).kubectlAvailable()).rejects.toThrow("/nonexistent/kubectl version --client");
  });
});
