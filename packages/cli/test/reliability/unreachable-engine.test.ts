/**
 * An engine that does not answer: `infrablocks run` fails at once with exit 1 and a message that names
 * the address and how to fix it. (An unreachable cluster is timed in secrets-canary.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { cli, freshHome } from "../integration/cli-support.js";

const container = JSON.stringify({ type: "docker-container", image: "busybox:1.36", command: ["true"] });

describe("unreachable infrastructure", () => {
  it.each([
    ["a missing socket", "unix:///nonexistent/docker.sock", "ENOENT"],
    ["a refused TCP port", "tcp://127.0.0.1:1", "ECONNREFUSED"],
  ])("Docker at %s: exit 1 within 10 s, naming DOCKER_HOST", async (_, host, reason) => {
    const home = await freshHome();
    const started = performance.now();
    const result = await cli(["run", "-"], { home, input: container, env: { DOCKER_HOST: host } });
    const took = performance.now() - started;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Cannot reach the Docker Engine at ${host}`);
    expect(result.stderr).toContain(reason);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(took).toBeLessThan(10_000);
    console.info(`[unreachable] Docker at ${host}: exit ${result.code} after ${took.toFixed(0)} ms`);
  });
});
