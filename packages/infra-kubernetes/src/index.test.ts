import { describe, expect, it, vi } from "vitest";

const loaded = vi.hoisted(() => ({ clientNode: false }));
vi.mock("@kubernetes/client-node", async (importOriginal) => {
  loaded.clientNode = true;
  return importOriginal();
});

describe("the package entry point", () => {
  it("does not load @kubernetes/client-node until a job runs", async () => {
    const { blockTypes, kubernetesJobBlockType } = await import("./index.js");
    expect(blockTypes.map((type) => type.slug)).toEqual(["kubernetes-job", "kubernetes-cluster-config"]);
    expect(loaded.clientNode).toBe(false);
    const infrastructure = await kubernetesJobBlockType.loadInfrastructure?.();
    expect(infrastructure?.run).toEqual(expect.any(Function));
    expect(loaded.clientNode).toBe(true);
  });
});
