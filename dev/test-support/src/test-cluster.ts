import { readFile } from "node:fs/promises";
import { type KubeTestServer, startKubeTestServer } from "@infrablocks/kube-test-server";
import { dockerAvailable } from "./docker-gate.js";
import { ensureBusyboxImage } from "./images.js";

/** INFRABLOCKS_KUBE_REAL=1 with KUBECONFIG runs the suites against that cluster; faults are skipped there. */
export const REAL_CLUSTER = process.env.INFRABLOCKS_KUBE_REAL === "1" && Boolean(process.env.KUBECONFIG);

/** Whether the Kubernetes suites can run: a real cluster, or Docker for the test server. */
export async function clusterAvailable(): Promise<boolean> {
  return REAL_CLUSTER || (await dockerAvailable());
}

export interface TestCluster {
  kubeconfigYaml: string;
  /** The uid run identifiers start with (the kube-system namespace's). */
  clusterUid: string | undefined;
  image: string;
  imagePullPolicy: "Never" | "IfNotPresent";
  /** The test server, when not on a real cluster. */
  server: KubeTestServer | undefined;
  stop(): Promise<void>;
}

/** The real cluster of INFRABLOCKS_KUBE_REAL, else a fresh Kubernetes test server with the busybox image built. */
export async function startCluster(): Promise<TestCluster> {
  if (REAL_CLUSTER) {
    return {
      kubeconfigYaml: await readFile((process.env.KUBECONFIG as string).split(":")[0] as string, "utf8"),
      clusterUid: undefined,
      image: process.env.INFRABLOCKS_KUBE_TEST_IMAGE ?? "busybox:1.36",
      imagePullPolicy: "IfNotPresent",
      server: undefined,
      stop: async () => undefined,
    };
  }
  const [server, image] = await Promise.all([startKubeTestServer(), ensureBusyboxImage()]);
  return {
    kubeconfigYaml: server.kubeconfigYaml,
    clusterUid: server.clusterUid,
    image,
    imagePullPolicy: "Never",
    server,
    stop: () => server.stop(),
  };
}
