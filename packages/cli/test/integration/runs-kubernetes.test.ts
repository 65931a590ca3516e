import { request } from "node:https";
import {
  dockerAvailable,
  ensureBusyboxImage,
  type KubeTestServer,
  startKubeTestServer,
} from "@infrablocks/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshHome } from "./cli-support.js";
import { checkOrphanLifecycle, EXIT_STATUS, LINES, tickingCommand, writeDocument } from "./runs-support.js";

const RUN_ID_LABEL = "infrablocks.io/run-id";

interface KubeconfigShape {
  clusters: { cluster: { "certificate-authority-data": string } }[];
  users: { user: { token: string } }[];
}

describe.runIf(await dockerAvailable())("kubernetes-job runs whose runner died (test server)", () => {
  let server: KubeTestServer;
  let image: string;
  beforeAll(async () => {
    [server, image] = await Promise.all([startKubeTestServer(), ensureBusyboxImage()]);
  }, 120_000);
  afterAll(() => server?.stop());

  /** A GET to the test server with its kubeconfig's credentials, as any client would make it. */
  function kubeGet(path: string): Promise<unknown> {
    const config = server.kubeconfig as KubeconfigShape;
    const ca = Buffer.from(config.clusters[0]?.cluster["certificate-authority-data"] ?? "", "base64");
    return new Promise((resolve, reject) => {
      const call = request(
        `${server.url}${path}`,
        { ca, headers: { Authorization: `Bearer ${config.users[0]?.user.token}` } },
        (response) => {
          let text = "";
          response.on("data", (chunk: Buffer) => {
            text += chunk.toString();
          });
          response.on("end", () => resolve(JSON.parse(text)));
        },
      );
      call.on("error", reject);
      call.end();
    });
  }

  it("are listed by ps (through the default kubeconfig), attached to, and swept", async () => {
    const home = await freshHome();
    const block = { type: "kubernetes-job", image, imagePullPolicy: "Never" };
    const doc = await writeDocument(home, "ticking", {
      ...block,
      command: tickingCommand(LINES, EXIT_STATUS),
    });
    const longDoc = await writeDocument(home, "long", { ...block, command: tickingCommand(300, 0) });
    await checkOrphanLifecycle({
      type: "kubernetes-job",
      doc,
      longDoc,
      // No clusterConfig in the documents: every command, ps included, reaches the cluster through KUBECONFIG.
      options: { home, env: { KUBECONFIG: server.kubeconfigPath } },
      prefix: "kubernetes",
      fromStart: true,
      checkOutside: async (run) => {
        const name = run.identifier.slice(run.identifier.lastIndexOf(":") + 1);
        const job = (await kubeGet(`/apis/batch/v1/namespaces/default/jobs/${name}`)) as {
          metadata: { labels: Record<string, string>; annotations: Record<string, string> };
          spec: { template: { metadata: { labels: Record<string, string> } } };
        };
        expect(job.metadata.labels[RUN_ID_LABEL]).toBe(run.runId);
        expect(job.spec.template.metadata.labels[RUN_ID_LABEL]).toBe(run.runId);
        expect(job.metadata.annotations["infrablocks.io/runner"]).toBe(run.runner);
        const pods = (await kubeGet(
          `/api/v1/namespaces/default/pods?labelSelector=${encodeURIComponent(`${RUN_ID_LABEL}=${run.runId}`)}`,
        )) as { items: unknown[] };
        expect(pods.items.length).toBeGreaterThan(0);
      },
    });
  }, 300_000);
});
