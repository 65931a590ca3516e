export { dockerAvailable } from "./docker-gate.js";
export { type FakeEngine, type SeenRequest, startFakeEngine } from "./fake-engine.js";
export { BUSYBOX_IMAGE, buildImage, ensureBusyboxImage } from "./images.js";
export { KUBECTL, kubectlAvailable } from "./kubectl-gate.js";
export { type LocalRegistry, startLocalRegistry } from "./local-registry.js";
export { type PassStore, startPassStore } from "./pass-store.js";
export { SSHD_SKIP_REASON, sshdAvailable, startSshd, type TestSshd } from "./sshd.js";
export { clusterAvailable, REAL_CLUSTER, startCluster, type TestCluster } from "./test-cluster.js";
// The Kubernetes test server, so that a suite needs this one dev package alone.
export {
  type KubeFaults,
  type KubeTestServer,
  type LogCut,
  type RequestRecord,
  type StartKubeTestServerOptions,
  startKubeTestServer,
} from "@infrablocks/kube-test-server";
