import {
  convertPrefectFields,
  type PrefectImport,
  type PrefectImportContext,
  prefectImageRule,
  prefectInfrastructureRules,
} from "@infrablocks/core";
import { isRecord } from "./is-record.js";
import { MAIN_CONTAINER } from "./job-manifest.js";

/** Prefect 2's `KubernetesClusterConfig` block: the kubeconfig is kept whole. */
export const clusterConfigFromPrefect: PrefectImport = (data, context) =>
  convertPrefectFields(
    "kubernetes-cluster-config",
    data,
    { config: "config", context_name: "contextName" },
    context,
  );

/** Prefect's job container; here the container that runs the command is {@link MAIN_CONTAINER}. */
const PREFECT_CONTAINER = "prefect-job";
/** Prefect's base job manifest (2.x), with `parallelism` and `completions` misplaced in the pod spec. */
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
        containers: [{ name: PREFECT_CONTAINER, env: [] }],
      },
    },
  },
};
const PULL_POLICIES = ["IfNotPresent", "Always", "Never"];

/** Prefect 2's `KubernetesJob` block; its `cluster_config` is converted by the cluster config type. */
export const kubernetesJobFromPrefect: PrefectImport = (data, context) =>
  convertPrefectFields(
    "kubernetes-job",
    data,
    {
      ...prefectInfrastructureRules,
      image: prefectImageRule,
      namespace: "namespace",
      service_account_name: "serviceAccountName",
      image_pull_policy: (value, path, out) => {
        if (typeof value !== "string" || !PULL_POLICIES.includes(value)) {
          context.problem(
            path,
            `${JSON.stringify(value)} is not a pull policy (IfNotPresent, Always, Never)`,
          );
          return;
        }
        out.imagePullPolicy = value;
      },
      cluster_config: async (value, path, out) => {
        const clusterConfig = await context.nested(value, "kubernetes-cluster-config", path);
        if (clusterConfig !== undefined) out.clusterConfig = clusterConfig;
      },
      job: (value, path, out) => convertJob(value, path, out, context),
      customizations: (value, path, out) => {
        if (typeof value !== "string") {
          out.customizations = value;
          return;
        }
        try {
          out.customizations = JSON.parse(value);
        } catch {
          context.problem(path, "not valid JSON; an RFC 6902 patch is a JSON list of operations");
        }
      },
      job_watch_timeout_seconds: "jobWatchTimeoutSeconds",
      pod_watch_timeout_seconds: "podWatchTimeoutSeconds",
      finished_job_ttl: "finishedJobTtl",
    },
    context,
  );

/** Prefect's base job manifest, adapted: its container is `infrablocks-job` here. */
function convertJob(
  value: unknown,
  path: string,
  out: Record<string, unknown>,
  context: PrefectImportContext,
): void {
  if (!isRecord(value)) {
    out.job = value;
    return;
  }
  if (JSON.stringify(value) === JSON.stringify(PREFECT_BASE_JOB)) {
    context.note(path, "Prefect's default base job manifest; left out, so infrablocks' own default applies");
    return;
  }
  const job = structuredClone(value);
  const template = isRecord(job.spec) && isRecord(job.spec.template) ? job.spec.template : undefined;
  const spec = template && isRecord(template.spec) ? template.spec : undefined;
  if (spec) {
    for (const key of ["parallelism", "completions"]) {
      if (spec[key] === 1) {
        delete spec[key];
        context.note(
          `${path}.spec.template.spec.${key}`,
          "Prefect placed this in the pod spec, where Kubernetes ignores it; left out",
        );
      }
    }
    const containers = Array.isArray(spec.containers) ? spec.containers : [];
    containers.forEach((container: unknown, index) => {
      if (isRecord(container) && container.name === PREFECT_CONTAINER) {
        container.name = MAIN_CONTAINER;
        context.note(
          `${path}.spec.template.spec.containers.${index}.name`,
          `Prefect's job container '${PREFECT_CONTAINER}' is named '${MAIN_CONTAINER}' in infrablocks (it runs the command, and its logs stream); renamed`,
        );
      }
    });
  }
  out.job = job;
}
