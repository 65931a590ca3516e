/**
 * An engine or cluster that does not answer: `infrablocks run` fails with exit 1 and a message that
 * names the address and how to fix it, within a bound (Docker fails at once: no retry on a refused
 * connection; Kubernetes retries for about 20 s before giving up).
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

  it("Kubernetes at a refused port: exit 1 within 60 s, naming the operation and the address", async () => {
    const home = await freshHome();
    const kubeconfig = [
      "apiVersion: v1",
      "kind: Config",
      "current-context: c",
      "clusters: [{ name: c, cluster: { server: 'https://127.0.0.1:1', insecure-skip-tls-verify: true } }]",
      "users: [{ name: c, user: { token: abcdefgh } }]",
      "contexts: [{ name: c, context: { cluster: c, user: c } }]",
    ].join("\n");
    const job = JSON.stringify({
      type: "kubernetes-job",
      image: "busybox:1.36",
      command: ["true"],
      clusterConfig: { type: "kubernetes-cluster-config", config: kubeconfig },
    });
    const started = performance.now();
    const result = await cli(["run", "-"], { home, input: job });
    const took = performance.now() - started;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("ECONNREFUSED 127.0.0.1:1");
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(took).toBeLessThan(60_000);
    console.info(`[unreachable] Kubernetes at 127.0.0.1:1: exit ${result.code} after ${took.toFixed(0)} ms`);
  }, 90_000);
});
