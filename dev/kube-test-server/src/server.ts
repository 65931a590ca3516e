import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import { Deleter } from "./deletion.js";
import { EventRecorder } from "./events.js";
import { Exchange, type RequestRecord } from "./exchange.js";
import { FaultState, type KubeFaults } from "./faults.js";
import { JobController } from "./job-controller.js";
import { Kubelet } from "./kubelet.js";
import { buildKubeconfig, kubeconfigToYaml } from "./kubeconfig.js";
import { newUid, timestamp } from "./meta.js";
import { Router } from "./router.js";
import { Store } from "./store.js";
import { makeSelfSignedCertificate } from "./tls.js";

export interface KubeTestServer {
  /** https://127.0.0.1:<port> */
  url: string;
  /** Parsed kubeconfig: one cluster, one user with the token, one context "kube-test", current. */
  kubeconfig: object;
  kubeconfigYaml: string;
  /** The kubeconfig written to a temporary file, mode 0600. */
  kubeconfigPath: string;
  /** metadata.uid of namespace kube-system. */
  clusterUid: string;
  /** Every request served, in order of arrival; `status` is filled in when the answer starts. */
  requests: RequestRecord[];
  resetRequests(): void;
  faults: KubeFaults;
  /** Closes the server and removes every container it created. */
  stop(): Promise<void>;
}

export interface StartKubeTestServerOptions {
  dockerSocketPath?: string;
  token?: string;
  /** How often watches with allowWatchBookmarks=true get a BOOKMARK (default 10 s). */
  bookmarkIntervalMs?: number;
}

function namespace(name: string, uid: string) {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name,
      uid,
      resourceVersion: "",
      creationTimestamp: timestamp(),
      labels: { "kubernetes.io/metadata.name": name },
    },
    spec: { finalizers: ["kubernetes"] },
    status: { phase: "Active" },
  };
}

export async function startKubeTestServer(opts: StartKubeTestServerOptions = {}): Promise<KubeTestServer> {
  const dir = await mkdtemp(join(tmpdir(), "kube-test-server-"));
  const tls = await makeSelfSignedCertificate(dir);
  const token = opts.token ?? randomBytes(24).toString("hex");
  const docker = opts.dockerSocketPath ? new Docker({ socketPath: opts.dockerSocketPath }) : new Docker();
  const serverId = randomBytes(6).toString("hex");

  const store = new Store();
  const clusterUid = newUid();
  store.create("namespaces", namespace("default", newUid()));
  store.create("namespaces", namespace("kube-system", clusterUid));
  const recorder = new EventRecorder(store);
  const deleter = new Deleter(store);
  const faults: FaultState = new FaultState({
    evictPod: (ns, name, message) => kubelet.evict(ns, name, message),
    podsPendingChanged: (on) => {
      if (!on) kubelet.scheduleHeldPods();
    },
  });
  const kubelet = new Kubelet(
    store,
    docker,
    recorder,
    serverId,
    () => faults.podsPending,
    () => faults.podStatusDelayMs,
  );
  const controller = new JobController(store, deleter, recorder, () => faults.podCreationDelayMs);

  const requests: RequestRecord[] = [];
  const sockets = new Set<Socket>();
  let router: Router | undefined;
  const server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    const url = new URL(req.url ?? "/", "https://127.0.0.1");
    const record: RequestRecord = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.search.slice(1),
      status: 0,
    };
    requests.push(record);
    void router?.handle(new Exchange(req, res, record));
  });
  server.on("secureConnection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `https://127.0.0.1:${port}`;
  router = new Router({
    store,
    faults,
    kubelet,
    deleter,
    docker,
    token,
    serverAddress: `127.0.0.1:${port}`,
    bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 10_000,
  });

  const kubeconfig = buildKubeconfig(url, tls.cert, token);
  const kubeconfigYaml = kubeconfigToYaml(kubeconfig);
  const kubeconfigPath = join(dir, "kubeconfig.yaml");
  await writeFile(kubeconfigPath, kubeconfigYaml, { mode: 0o600 });
  await chmod(kubeconfigPath, 0o600);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      controller.stop();
      deleter.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await Promise.all([closed, kubelet.stop()]);
      await rm(dir, { recursive: true, force: true });
    })();
    return stopping;
  };

  return {
    url,
    kubeconfig,
    kubeconfigYaml,
    kubeconfigPath,
    clusterUid,
    requests,
    resetRequests: () => {
      requests.length = 0;
    },
    faults,
    stop,
  };
}
