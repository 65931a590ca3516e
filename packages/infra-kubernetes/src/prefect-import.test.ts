import { importFromPrefect } from "@infrablocks/testkit";
import { describe, expect, it } from "vitest";
import { kubernetesClusterConfigBlockType } from "./kubernetes-cluster-config-block.js";
import { kubernetesJobBlockType } from "./kubernetes-job-block.js";

const KUBECONFIG = {
  apiVersion: "v1",
  kind: "Config",
  "current-context": "prod",
  clusters: [{ name: "prod", cluster: { server: "https://k8s.example.com:6443" } }],
  users: [{ name: "ci", user: { token: "prod-cluster-token-5b8d0e1f" } }],
  contexts: [{ name: "prod", context: { cluster: "prod", user: "ci" } }],
};

/** Prefect 2.x's default base job manifest, as `KubernetesJob.base_job_manifest()` returns it. */
const PREFECT_BASE_JOB = {
  apiVersion: "batch/v1",
  kind: "Job",
  metadata: { labels: {} },
  spec: {
    template: {
      spec: {
        parallelism: 1,
        completions: 1,
        restartPolicy: "Never",
        containers: [{ name: "prefect-job", env: [] }],
      },
    },
  },
};

describe("kubernetes: Prefect import", () => {
  it("maps KubernetesClusterConfig(...).dict(), its kubeconfig kept whole", async () => {
    const outcome = await importFromPrefect(kubernetesClusterConfigBlockType, {
      config: KUBECONFIG,
      context_name: "prod",
      block_type_slug: "kubernetes-cluster-config",
    });
    expect(outcome).toEqual({
      document: { type: "kubernetes-cluster-config", config: KUBECONFIG, contextName: "prod" },
      problems: [],
      notes: [],
    });
    expect(kubernetesClusterConfigBlockType.schema.safeParse(outcome.document).success).toBe(true);
  });

  it("maps KubernetesJob(...).dict(): prefect-job renamed, misplaced fields dropped, patch text parsed", async () => {
    const podSpec = PREFECT_BASE_JOB.spec.template.spec;
    const job = {
      ...PREFECT_BASE_JOB,
      metadata: { labels: { "cost-center": "analytics" } },
      spec: {
        backoffLimit: 0,
        template: {
          spec: {
            ...podSpec,
            containers: [{ ...podSpec.containers[0], resources: { limits: { memory: "1Gi" } } }],
          },
        },
      },
    };
    const outcome = await importFromPrefect(
      kubernetesJobBlockType,
      {
        type: "kubernetes-job",
        env: { PREFECT_LOGGING_LEVEL: "DEBUG", BATCH_SIZE: "500" },
        command: ["python", "-m", "etl.run"],
        image: "registry.example.com:5000/team/etl:1.4",
        namespace: "batch",
        service_account_name: "etl-runner",
        image_pull_policy: "IfNotPresent",
        cluster_config: {
          config: KUBECONFIG,
          context_name: "prod",
          block_type_slug: "kubernetes-cluster-config",
        },
        job,
        customizations:
          '[{"op": "add", "path": "/spec/template/spec/nodeSelector", "value": {"pool": "batch"}}]',
        job_watch_timeout_seconds: 3600,
        pod_watch_timeout_seconds: 120,
        stream_output: true,
        finished_job_ttl: 300,
        block_type_slug: "kubernetes-job",
      },
      [kubernetesClusterConfigBlockType],
    );
    expect(outcome.problems).toEqual([]);
    expect(outcome.document).toMatchObject({
      type: "kubernetes-job",
      namespace: "batch",
      serviceAccountName: "etl-runner",
      imagePullPolicy: "IfNotPresent",
      clusterConfig: { type: "kubernetes-cluster-config", contextName: "prod" },
      customizations: [{ op: "add", path: "/spec/template/spec/nodeSelector", value: { pool: "batch" } }],
      jobWatchTimeoutSeconds: 3600,
      podWatchTimeoutSeconds: 120,
      finishedJobTtl: 300,
    });
    expect(outcome.document.job).toEqual({
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { labels: { "cost-center": "analytics" } },
      spec: {
        backoffLimit: 0,
        template: {
          spec: {
            restartPolicy: "Never",
            containers: [{ name: "infrablocks-job", env: [], resources: { limits: { memory: "1Gi" } } }],
          },
        },
      },
    });
    expect(outcome.notes.map((note) => note.path)).toEqual([
      "env.PREFECT_LOGGING_LEVEL",
      "job.spec.template.spec.parallelism",
      "job.spec.template.spec.completions",
      "job.spec.template.spec.containers.0.name",
    ]);
    expect(outcome.notes[3]?.message).toMatch(/'prefect-job' is named 'infrablocks-job' in infrablocks/);
    const parsed = kubernetesJobBlockType.schema.safeParse(outcome.document);
    expect(parsed.error?.issues).toBeUndefined();
  });

  it("leaves Prefect's default manifest out, so infrablocks' own applies", async () => {
    const outcome = await importFromPrefect(kubernetesJobBlockType, { job: PREFECT_BASE_JOB });
    expect(outcome.document).toEqual({ type: "kubernetes-job" });
    expect(outcome.notes).toEqual([
      { path: "job", message: expect.stringMatching(/^Prefect's default base job manifest; left out/) },
    ]);
  });

  it("reports values it cannot map: a pull policy, patch text, a field the nested type lacks", async () => {
    const outcome = await importFromPrefect(
      kubernetesJobBlockType,
      {
        image_pull_policy: "IF_NOT_PRESENT",
        customizations: "[{not json",
        cluster_config: { cluster_config: {} },
      },
      [kubernetesClusterConfigBlockType],
    );
    expect(outcome.problems).toEqual([
      {
        path: "image_pull_policy",
        message: '"IF_NOT_PRESENT" is not a pull policy (IfNotPresent, Always, Never)',
      },
      { path: "customizations", message: "not valid JSON; an RFC 6902 patch is a JSON list of operations" },
      {
        path: "cluster_config.cluster_config",
        message: "not a field of Prefect's kubernetes-cluster-config block that infrablocks knows; left out",
      },
    ]);
  });
});
