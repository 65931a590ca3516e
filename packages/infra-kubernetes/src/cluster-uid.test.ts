import { isInfrablocksError } from "@infrablocks/core";
import { describe, expect, it } from "vitest";
import { CLUSTER_UID_VARIABLE, clusterIds } from "./cluster-uid.js";
import type { KubeClient } from "./kube-client.js";

const silent = { info() {}, warn() {}, error() {} };

describe("clusterIds", () => {
  it("refuses a cluster uid variable with a colon, which would make every identifier malformed", async () => {
    let requests = 0;
    const client = {
      server: "https://127.0.0.1:6443",
      request: async () => {
        requests += 1;
        return {};
      },
    } as unknown as KubeClient;
    const failure = await clusterIds(client, { [CLUSTER_UID_VARIABLE]: "a:b" }, silent).catch(
      (error: unknown) => error,
    );
    expect(isInfrablocksError(failure, "INFRASTRUCTURE_ERROR")).toBe(true);
    expect((failure as Error).message).toContain(`${CLUSTER_UID_VARIABLE} must not contain ':'`);
    expect(requests).toBe(0);
  });
});
