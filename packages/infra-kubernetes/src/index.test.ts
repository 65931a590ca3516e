import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { driverContext } from "@infrablocks/core";
import { describe, expect, it, vi } from "vitest";

const loaded = vi.hoisted(() => ({ clientNode: false }));
vi.mock("@kubernetes/client-node", async (importOriginal) => {
  loaded.clientNode = true;
  return importOriginal();
});

describe("the package entry point", () => {
  it("does not load @kubernetes/client-node until a cluster is talked to", async () => {
    const { blockTypes, kubernetesJobBlockType } = await import("./index.js");
    expect(blockTypes.map((type) => type.slug)).toEqual(["kubernetes-job", "kubernetes-cluster-config"]);
    expect(loaded.clientNode).toBe(false);
    const infrastructure = await kubernetesJobBlockType.loadInfrastructure?.();
    expect(infrastructure?.run).toEqual(expect.any(Function));
    expect(loaded.clientNode).toBe(false);

    // `ps` where no cluster is configured: nothing to list, and no SDK loaded to find that out.
    const home = await mkdtemp(join(tmpdir(), "ib-no-kube-"));
    vi.stubEnv("KUBECONFIG", join(home, "absent"));
    vi.stubEnv("KUBERNETES_SERVICE_HOST", "");
    const log = { info: () => {}, warn: () => {}, error: () => {} };
    const runs = await infrastructure?.listRuns?.(
      undefined,
      driverContext({ log, baseEnvironment: {}, stateFolder: home }),
    );
    expect(runs).toEqual([]);
    expect(loaded.clientNode).toBe(false);
    vi.unstubAllEnvs();

    const { KubeClient } = await import("./kube-client.js");
    const config = {
      apiVersion: "v1",
      kind: "Config",
      "current-context": "c",
      clusters: [{ name: "k", cluster: { server: "https://127.0.0.1:1" } }],
      users: [{ name: "u", user: {} }],
      contexts: [{ name: "c", context: { cluster: "k", user: "u" } }],
    };
    await KubeClient.create({ type: "kubernetes-cluster-config", config }, (text) => text);
    expect(loaded.clientNode).toBe(true);
  });
});
