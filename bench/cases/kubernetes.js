// Kubernetes: the API requests of one job run, through the test server, for a short and a 10× longer job.
import { importPackage, quietContext, ROOT } from "../packages.js";

export async function kubernetesCases() {
  const { startKubeTestServer, ensureBusyboxImage } = await import(
    `${ROOT}/dev/kube-test-server/dist/index.js`
  );
  const image = await ensureBusyboxImage();
  const core = await importPackage("core");
  const { kubernetesJobBlockType } = await importPackage("infra-kubernetes");
  const infrastructure = await core.loadInfrastructure(kubernetesJobBlockType);
  const server = await startKubeTestServer();
  try {
    const requestsOfRun = async (seconds) => {
      const config = kubernetesJobBlockType.schema.parse({
        type: "kubernetes-job",
        image,
        imagePullPolicy: "Never",
        command: ["sh", "-c", `echo start; sleep ${seconds}; echo end`],
        clusterConfig: { type: "kubernetes-cluster-config", config: server.kubeconfig },
      });
      server.resetRequests();
      const result = await infrastructure.run(config, quietContext());
      if (result.statusCode !== 0) throw new Error(`the ${seconds} s job exited ${result.statusCode}`);
      return server.requests.length;
    };
    const short = await requestsOfRun(2);
    const long = await requestsOfRun(20);
    return [
      {
        name: "kube-requests",
        // Requests of the long job over the short one: 1.0 when nothing polls, more if anything does.
        ratio: long / short,
        target: 1.0,
        detail: `API requests of one job run through the test server: ${short} for a 2 s job, ${long} for a 20 s job (watches, no polling)`,
      },
    ];
  } finally {
    await server.stop();
  }
}
