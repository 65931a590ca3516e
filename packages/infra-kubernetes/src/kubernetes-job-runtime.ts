import { existsSync } from "node:fs";
import {
  assertRunId,
  type Infrastructure,
  InfrablocksError,
  type KillContext,
  type ListRunsContext,
  type PreviewContext,
  type RunContext,
  type RunInfo,
  type RunResult,
  requireCommand,
  runEnvironment,
  runnerAlive,
  runnerIdentity,
  stringifyYaml,
} from "@infrablocks/core/runtime";

import { clusterIds } from "./cluster-uid.js";
import { jobIdentifier, parseJobIdentifier } from "./identifier.js";
import { apiFailure, deleteJob } from "./job-api.js";
import { buildJobManifest, effectiveNamespace, firstContainer, maskManifest } from "./job-manifest.js";
import { jobFinish } from "./exit-code.js";
import { watchJob } from "./job-watch.js";
import { KubeApiError, KubeClient } from "./kube-client.js";
import { type Job, jobsPath, type KubeList } from "./kube-types.js";
import { defaultKubeconfigPath } from "./kubeconfig.js";
import { RUN_ID_LABEL, RUNNER_ANNOTATION } from "./labels.js";
import type { KubernetesJobBlock } from "./kubernetes-job-block.js";

export const kubernetesJobInfrastructure: Infrastructure<KubernetesJobBlock> = {
  run,
  preview,
  kill,
  attach,
  listRuns,
};

const SLUG = "kubernetes-job";

async function run(config: KubernetesJobBlock, context: RunContext): Promise<RunResult> {
  requireCommand(SLUG, config.command);
  const { manifest, namespace, warnings } = buildJobManifest(config, runEnvironment(context), {
    runId: context.runId,
    runner: runnerIdentity(),
  });
  for (const warning of warnings) context.log.warn(warning);
  if (typeof firstContainer(manifest)?.image !== "string") {
    throw new InfrablocksError(
      "INVALID_DOCUMENT",
      "image: required to run (set `image`, or the job's /spec/template/spec/containers/0/image).",
      { blockType: SLUG, issues: ["image: required to run"] },
    );
  }
  const client = await KubeClient.create(config.clusterConfig, context.redact);
  // Read before creating, so that the identifier is reported the moment the job exists.
  const ids = await clusterIds(client, context.baseEnvironment, context.log);
  let job: Job;
  try {
    job = await client.request<Job>("POST", jobsPath(namespace), { body: manifest, retry: "throttled-only" });
  } catch (error) {
    if (error instanceof KubeApiError && error.status === 404) {
      throw new InfrablocksError(
        "INFRASTRUCTURE_ERROR",
        `Could not create the job in namespace '${namespace}': ${client.describe(error)}. Is there such a namespace on the cluster at ${client.server}? Create it (kubectl create namespace ${namespace}), or set the block's namespace (or the manifest's) to one that exists.`,
        { blockType: SLUG, cause: error },
      );
    }
    throw apiFailure(client, `Could not create the job in namespace '${namespace}'`, error);
  }
  const name = job.metadata.name;
  const identifier = jobIdentifier(ids.primary, namespace, name);
  context.onStarted(identifier);
  context.log.info(`Job '${name}' created in namespace '${namespace}'.`);
  return { identifier, ...(await follow(config, client, namespace, name, context)) };
}

async function attach(config: KubernetesJobBlock, context: RunContext): Promise<RunResult> {
  const runId = assertRunId(context.runId);
  const namespace = effectiveNamespace(config);
  const client = await KubeClient.create(config.clusterConfig, context.redact);
  const jobs = await runJobs(client, jobsPath(namespace), `${RUN_ID_LABEL}=${runId}`);
  // A re-used run id names several jobs: the newest is the run that can still be live.
  const job = jobs.sort((a, b) =>
    (b.metadata.creationTimestamp ?? "").localeCompare(a.metadata.creationTimestamp ?? ""),
  )[0];
  if (!job) {
    throw new InfrablocksError(
      "INFRASTRUCTURE_NOT_FOUND",
      `No job of run '${runId}' is in namespace '${namespace}'; 'infrablocks ps' lists the live runs.`,
      { blockType: SLUG },
    );
  }
  const ids = await clusterIds(client, context.baseEnvironment, context.log);
  const identifier = jobIdentifier(ids.primary, namespace, job.metadata.name);
  context.onStarted(identifier);
  return { identifier, ...(await follow(config, client, namespace, job.metadata.name, context)) };
}

/**
 * The unfinished jobs of runs: with a block, in its cluster and namespace; without one, in every
 * namespace of the default kubeconfig's cluster (or the one this runs in).
 */
async function listRuns(
  config: KubernetesJobBlock | undefined,
  context: ListRunsContext,
): Promise<RunInfo[]> {
  const client = config
    ? await KubeClient.create(config.clusterConfig, context.redact)
    : await defaultClient(context.redact);
  // No cluster configured: `ps` has nowhere to look, which is no failure and needs no note.
  if (!client) return [];
  const path = config ? jobsPath(effectiveNamespace(config)) : "/apis/batch/v1/jobs";
  // A job being deleted has been ended already, by kill or sweep.
  const jobs = (await runJobs(client, path, RUN_ID_LABEL)).filter(
    (job) => !jobFinish(job).finished && job.metadata.deletionTimestamp === undefined,
  );
  if (jobs.length === 0) return [];
  const ids = await clusterIds(client, context.baseEnvironment, context.log);
  return jobs.map((job) => {
    const runner = job.metadata.annotations?.[RUNNER_ANNOTATION];
    return {
      runId: job.metadata.labels?.[RUN_ID_LABEL] as string,
      type: SLUG,
      identifier: jobIdentifier(ids.primary, job.metadata.namespace ?? "default", job.metadata.name),
      startedAt: job.metadata.creationTimestamp,
      runner,
      runnerAlive: runnerAlive(runner),
    };
  });
}

async function preview(config: KubernetesJobBlock, context: PreviewContext): Promise<string> {
  requireCommand(SLUG, config.command);
  const { manifest } = buildJobManifest(config, context.baseEnvironment);
  return stringifyYaml(maskManifest(manifest), { sortMapEntries: true });
}

async function kill(config: KubernetesJobBlock, identifier: string, context: KillContext): Promise<void> {
  const { clusterUid, namespace, name } = parseJobIdentifier(identifier);
  const expected = effectiveNamespace(config);
  if (namespace !== expected) {
    throw new InfrablocksError(
      "INFRASTRUCTURE_NOT_AVAILABLE",
      `Unable to kill job '${name}': it runs in namespace '${namespace}', but this block creates jobs in '${expected}'.`,
      { blockType: SLUG },
    );
  }
  const client = await KubeClient.create(config.clusterConfig, context.redact).catch(outOfReach);
  const ids = await clusterIds(client, context.baseEnvironment, context.log).catch(outOfReach);
  if (!ids.all.includes(clusterUid)) {
    throw new InfrablocksError(
      "INFRASTRUCTURE_NOT_AVAILABLE",
      `Unable to kill job '${name}': it runs on another cluster ('${clusterUid}'; this block reaches '${ids.primary}').`,
      { blockType: SLUG },
    );
  }
  const notFound = new InfrablocksError(
    "INFRASTRUCTURE_NOT_FOUND",
    `Unable to kill job '${name}': it was not found in namespace '${namespace}'.`,
    { blockType: SLUG },
  );
  let result: "deleted" | "not-found";
  try {
    const job = await client.request<Job>("GET", jobsPath(namespace, name));
    // Only a run's: every job infrablocks creates carries the run-id label. Another's is not ours to delete.
    if (job.metadata?.labels?.[RUN_ID_LABEL] === undefined) {
      throw new InfrablocksError(
        "INFRASTRUCTURE_NOT_FOUND",
        `Unable to kill job '${name}': it is not a job infrablocks created (it has no ${RUN_ID_LABEL} label); 'infrablocks ps' lists the runs, and 'kubectl delete job' deletes any job.`,
        { blockType: SLUG },
      );
    }
    result = await deleteJob(client, namespace, name, context.graceSeconds);
  } catch (error) {
    if (error instanceof KubeApiError && error.status === 404) throw notFound;
    throw apiFailure(client, `Unable to kill job '${name}'`, error);
  }
  if (result === "not-found") throw notFound;
  context.log.info(`Job '${name}' is being deleted (grace ${context.graceSeconds}s).`);
}

/** Follows a created job to its end: its logs, the job and pod watches, and its exit code. */
function follow(
  config: KubernetesJobBlock,
  client: KubeClient,
  namespace: string,
  name: string,
  context: RunContext,
): ReturnType<typeof watchJob> {
  return watchJob({
    client,
    namespace,
    name,
    streamOutput: config.streamOutput,
    podWatchTimeoutSeconds: config.podWatchTimeoutSeconds,
    jobWatchTimeoutSeconds: config.jobWatchTimeoutSeconds,
    output: context.stdout,
    log: context.log,
  });
}

async function runJobs(client: KubeClient, path: string, labelSelector: string): Promise<Job[]> {
  try {
    return (await client.request<KubeList<Job>>("GET", path, { query: { labelSelector } })).items;
  } catch (error) {
    throw apiFailure(client, `Could not list the jobs of runs (${labelSelector})`, error);
  }
}

/**
 * The client `ps` uses: in-cluster, else the default kubeconfig; none when neither exists (no
 * localhost guess), decided before the SDK is loaded.
 */
async function defaultClient(redact: (text: string) => string): Promise<KubeClient | undefined> {
  if (!process.env.KUBERNETES_SERVICE_HOST && !existsSync(defaultKubeconfigPath())) return undefined;
  return KubeClient.create(undefined, redact);
}

/** For kill, a cluster that cannot be configured or reached is out of reach from here (CONTRACT.md: exit 4). */
function outOfReach(error: unknown): never {
  if (error instanceof InfrablocksError && error.code === "INFRASTRUCTURE_ERROR") {
    throw new InfrablocksError("INFRASTRUCTURE_NOT_AVAILABLE", error.message, { cause: error });
  }
  throw error;
}
