// Runs the test server by hand (`node dev/kube-test-server/dist/main.js` after `pnpm build`), for
// examples/kubernetes-busybox.yaml: builds the busybox image its pods run, and writes a
// kubernetes-cluster-config document holding the server's kubeconfig next to that kubeconfig (a
// temporary folder, owner-only). Ctrl-C stops the server and removes its containers.
import { writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { stringify } from "yaml";
import { ensureBusyboxImage } from "./busybox-image.js";
import { startKubeTestServer } from "./server.js";

const server = await startKubeTestServer();
await ensureBusyboxImage();
const document = join(dirname(server.kubeconfigPath), "kubernetes-cluster-config.yaml");
await writeFile(document, stringify({ type: "kubernetes-cluster-config", config: server.kubeconfig }), {
  mode: 0o600,
});
process.stdout.write(
  `Kubernetes test server at ${server.url} (Ctrl-C stops it and removes its containers)\n` +
    `export KUBECONFIG=${server.kubeconfigPath}\n` +
    `Cluster config document: ${document}\n`,
);

const shutdown = async () => {
  await server.stop();
  process.exit(0);
};
process.once("SIGINT", shutdown);
process.once("SIGTERM", shutdown);
