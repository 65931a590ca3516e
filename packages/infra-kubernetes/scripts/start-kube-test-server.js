// Starts the dev Kubernetes test server (pods run as Docker containers) for examples/kubernetes-busybox.yaml,
// builds the local busybox image it uses, and writes a kubernetes-cluster-config document holding the
// server's kubeconfig next to that kubeconfig (a temporary directory, owner-only). Needs `pnpm build` first.
import { writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ensureBusyboxImage, startKubeTestServer } from "@infrablocks/test-support";
import { stringify } from "yaml";

const server = await startKubeTestServer();
await ensureBusyboxImage();
const document = join(dirname(server.kubeconfigPath), "kubernetes-cluster-config.yaml");
await writeFile(document, stringify({ type: "kubernetes-cluster-config", config: server.kubeconfig }), {
  mode: 0o600,
});
console.log(`Kubernetes test server at ${server.url} (Ctrl-C stops it and removes its containers)`);
console.log(`export KUBECONFIG=${server.kubeconfigPath}`);
console.log(`Cluster config document: ${document}`);
process.on("SIGINT", () => {
  server.stop().then(() => process.exit(0));
});
