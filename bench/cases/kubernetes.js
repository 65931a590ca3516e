// Kubernetes: the API requests of one job run, through the test server, for a short and a 10× longer job,
// and per job when 50 run at once from this one process.
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
    const concurrent = await concurrentRuns(infrastructure, kubernetesJobBlockType, server, image, short);
    return [
      concurrent,
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

/** 50 jobs at once: API requests per job over those of one job alone (no storm as runs pile up), and RSS per run. */
async function concurrentRuns(infrastructure, blockType, server, image, alone) {
  const count = 50;
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  server.resetRequests();
  try {
    const results = await Promise.all(
      Array.from({ length: count }, (_, index) =>
        infrastructure.run(
          blockType.schema.parse({
            type: "kubernetes-job",
            image,
            imagePullPolicy: "Never",
            command: ["sh", "-c", `echo start; sleep 2; echo end; exit ${index % 7}`],
            clusterConfig: { type: "kubernetes-cluster-config", config: server.kubeconfig },
          }),
          quietContext(),
        ),
      ),
    );
    for (const [index, result] of results.entries()) {
      if (result.statusCode !== index % 7)
        throw new Error(`kube-concurrent: run ${index} exited ${result.statusCode}`);
    }
  } finally {
    clearInterval(sampler);
  }
  const perJob = server.requests.length / count;
  const rssPerRunMiB = (peak - baseline) / count / 2 ** 20;
  return {
    name: "kube-concurrent",
    ratio: Math.round((perJob / alone) * 100) / 100,
    target: 1.0,
    detail: `API requests per job at ${count} kubernetes-job runs at once from one process: ${perJob.toFixed(2)}, vs ${alone} for one job alone; runner RSS ${(rssPerRunMiB).toFixed(2)} MiB per run`,
  };
}
