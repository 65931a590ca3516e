import {
  baseEnvironment,
  type Infrastructure,
  InfrablocksError,
  type KillContext,
  type PreviewContext,
  type RunContext,
  type RunResult,
  requireCommand,
  secretValues,
  stringifyYaml,
} from "@infrablocks/core";

import { clusterIds } from "./cluster-uid.js";
import { jobIdentifier, parseJobIdentifier } from "./identifier.js";
import { apiFailure, deleteJob } from "./job-api.js";
import { buildJobManifest, effectiveNamespace, firstContainer, maskManifest } from "./job-manifest.js";
import { watchJob } from "./job-watch.js";
import { KubeClient } from "./kube-client.js";
import { type Job, jobsPath } from "./kube-types.js";
import { type KubernetesJobBlock, kubernetesJobBlockType } from "./kubernetes-job-block.js";

export const kubernetesJobInfrastructure: Infrastructure<KubernetesJobBlock> = { run, preview, kill };

const SLUG = "kubernetes-job";

async function run(config: KubernetesJobBlock, context: RunContext): Promise<RunResult> {
  requireCommand(SLUG, config.command);
  const { manifest, namespace, warnings } = buildJobManifest(config, context.baseEnvironment);
  for (const warning of warnings) context.log.warn(warning);
  if (typeof firstContainer(manifest)?.image !== "string") {
    throw new InfrablocksError(
      "INVALID_DOCUMENT",
      "image: required to run (set `image`, or the job's /spec/template/spec/containers/0/image).",
      { blockType: SLUG, issues: ["image: required to run"] },
    );
  }
  const client = clientFor(config);
  // Read before creating, so that the identifier is reported the moment the job exists.
  const ids = await clusterIds(client, context.baseEnvironment, context.log);
  let job: Job;
  try {
    job = await client.request<Job>("POST", jobsPath(namespace), { body: manifest, retry: "throttled-only" });
  } catch (error) {
    throw apiFailure(client, `Could not create the job in namespace '${namespace}'`, error);
  }
  const name = job.metadata.name;
  const identifier = jobIdentifier(ids.primary, namespace, name);
  context.onStarted(identifier);
  context.log.info(`Job '${name}' created in namespace '${namespace}'.`);
  const status = await watchJob({
    client,
    namespace,
    name,
    streamOutput: config.streamOutput,
    podWatchTimeoutSeconds: config.podWatchTimeoutSeconds,
    jobWatchTimeoutSeconds: config.jobWatchTimeoutSeconds,
    output: context.stdout,
    log: context.log,
  });
  return { identifier, ...status };
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
  const client = clientFor(config);
  // KillContext carries no base environment; the caller's own INFRABLOCKS_* variables stand in for it.
  const ids = await clusterIds(client, baseEnvironment(), context.log);
  if (!ids.all.includes(clusterUid)) {
    throw new InfrablocksError(
      "INFRASTRUCTURE_NOT_AVAILABLE",
      `Unable to kill job '${name}': it runs on another cluster ('${clusterUid}'; this block reaches '${ids.primary}').`,
      { blockType: SLUG },
    );
  }
  let result: "deleted" | "not-found";
  try {
    result = await deleteJob(client, namespace, name, context.graceSeconds);
  } catch (error) {
    throw apiFailure(client, `Unable to kill job '${name}'`, error);
  }
  if (result === "not-found") {
    throw new InfrablocksError(
      "INFRASTRUCTURE_NOT_FOUND",
      `Unable to kill job '${name}': it was not found in namespace '${namespace}'.`,
      { blockType: SLUG },
    );
  }
  context.log.info(`Job '${name}' is being deleted (grace ${context.graceSeconds}s).`);
}

/** A client of its own for every call, with the block's credentials registered for scrubbing. */
function clientFor(config: KubernetesJobBlock): KubeClient {
  return KubeClient.create(config.clusterConfig, secretValues(kubernetesJobBlockType, config));
}
