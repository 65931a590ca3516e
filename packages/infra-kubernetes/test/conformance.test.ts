import {
  dockerAvailable,
  ensureBusyboxImage,
  type KubeTestServer,
  startKubeTestServer,
} from "@infrablocks/test-support";
import { testBlockType } from "@infrablocks/testkit";
import { afterAll, beforeAll } from "vitest";
import { kubernetesClusterConfigBlockType, kubernetesJobBlockType } from "../src/index.js";

const KUBECONFIG = `apiVersion: v1
kind: Config
current-context: prod
clusters:
  - name: prod
    cluster: { server: "https://k8s.example.com:6443" }
users:
  - name: ci
    user: { token: conformance-cluster-token-5b8d }
contexts:
  - name: prod
    context: { cluster: prod, user: ci }
`;

// The test server runs pods as Docker containers.
const available = await dockerAvailable();
let server: KubeTestServer | undefined;
let image = "";
beforeAll(async () => {
  if (available) [server, image] = await Promise.all([startKubeTestServer(), ensureBusyboxImage()]);
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

testBlockType({
  blockType: kubernetesClusterConfigBlockType,
  validDocument: { config: KUBECONFIG, contextName: "prod" },
  invalidDocuments: [
    { document: { contextName: "prod" }, path: "config" },
    { document: { config: KUBECONFIG, contextName: 7 }, path: "contextName" },
  ],
});

testBlockType({
  blockType: kubernetesJobBlockType,
  validDocument: {
    image: "busybox:1.36",
    command: ["sh", "-c", "echo hello"],
    namespace: "batch",
    clusterConfig: { type: "kubernetes-cluster-config", config: KUBECONFIG },
    customizations: [{ op: "add", path: "/spec/template/spec/nodeSelector", value: { pool: "batch" } }],
    env: { LOG_LEVEL: "debug" },
  },
  invalidDocuments: [
    { document: { podWatchTimeoutSeconds: -1 }, path: "podWatchTimeoutSeconds" },
    { document: { imagePullPolicy: "IF_NOT_PRESENT" }, path: "imagePullPolicy" },
    { document: { clusterConfig: { type: "kubernetes-cluster-config" } }, path: "clusterConfig.config" },
  ],
  runnable: available
    ? {
        document: (command) => ({
          clusterConfig: { type: "kubernetes-cluster-config", config: server?.kubeconfigYaml },
          image,
          imagePullPolicy: "Never",
          finishedJobTtl: 300,
          command,
        }),
        exitCommand: (code, line) => ["sh", "-c", `echo ${line}; exit ${code}`],
        longRunningCommand: ["sleep", "120"],
        foreignIdentifier: "another-cluster-uid:default:infrablocks-job-abcde",
        goneIdentifier: () => `${server?.clusterUid}:default:infrablocks-job-gone0`,
        graceSeconds: 2,
        timeoutMs: 90_000,
      }
    : "no Docker Engine for the Kubernetes test server (INFRABLOCKS_REQUIRE_DOCKER=1 makes this a failure)",
});
