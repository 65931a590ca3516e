import { MAIN_CONTAINER } from "./job-manifest.js";
import type { ContainerStatus, Job, Pod } from "./kube-types.js";

export interface StatusResult {
  statusCode: number;
  message?: string;
}

/** Whether a Job has finished, and how, from its status (the authority; pod phases are not). */
export function jobFinish(job: Job): { finished: false } | { finished: true; failure?: string } {
  const conditions = job.status?.conditions ?? [];
  const failed = conditions.find((condition) => condition.type === "Failed" && condition.status === "True");
  if (failed) return { finished: true, failure: describeCondition(failed.reason, failed.message) };
  const complete = conditions.some(
    (condition) => condition.type === "Complete" && condition.status === "True",
  );
  if (complete || job.status?.completionTime) return { finished: true };
  // Clusters that are slow to add the Failed condition still count failures (Prefect #9647).
  const backoffLimit = job.spec?.backoffLimit ?? 6;
  if ((job.status?.failed ?? 0) > backoffLimit) {
    return { finished: true, failure: `BackoffLimitExceeded: ${job.status?.failed} pods failed` };
  }
  return { finished: false };
}

/** The main container's status in a pod, found by name because sidecars may be listed first. */
export function mainContainerStatus(pod: Pod): ContainerStatus | undefined {
  return pod.status?.containerStatuses?.find((status) => status.name === MAIN_CONTAINER);
}

/** The newest pod first (creation time, then name for pods created in the same second). */
export function newestPod(pods: readonly Pod[]): Pod | undefined {
  return [...pods].sort((a, b) => {
    const byTime = (b.metadata.creationTimestamp ?? "").localeCompare(a.metadata.creationTimestamp ?? "");
    return byTime !== 0 ? byTime : b.metadata.name.localeCompare(a.metadata.name);
  })[0];
}

/** Whether a pod was evicted or otherwise disrupted, with the reason, or undefined. */
export function evictionReason(pod: Pod): string | undefined {
  if (pod.status?.reason === "Evicted") return describeCondition("Evicted", pod.status.message);
  const disruption = pod.status?.conditions?.find(
    (condition) => condition.type === "DisruptionTarget" && condition.status === "True",
  );
  return disruption
    ? describeCondition(disruption.reason ?? "DisruptionTarget", disruption.message)
    : undefined;
}

/**
 * The run's status: the exit code of the newest pod's main container, or -1 with the reason when
 * there is none (no pod, an evicted pod, a container that never ran). `jobFailure` (the Job's Failed
 * condition) is added to the message.
 */
export function exitStatus(pods: readonly Pod[], jobFailure?: string): StatusResult {
  const pod = newestPod(pods);
  const failure = jobFailure ? ` The job failed: ${jobFailure}.` : "";
  if (!pod) return { statusCode: -1, message: `The job has no pods, so there is no exit code.${failure}` };
  const evicted = evictionReason(pod);
  if (evicted)
    return { statusCode: -1, message: `Pod '${pod.metadata.name}' was evicted (${evicted}).${failure}` };
  const terminated = mainContainerStatus(pod)?.state?.terminated;
  if (terminated && typeof terminated.exitCode === "number") {
    const detail = terminated.exitCode === 0 ? "" : exitDetail(terminated.reason, terminated.message);
    const message = `${detail}${failure}`.trim();
    return { statusCode: terminated.exitCode, ...(message ? { message } : {}) };
  }
  const state = JSON.stringify(mainContainerStatus(pod)?.state ?? {});
  return {
    statusCode: -1,
    message: `Container '${MAIN_CONTAINER}' of pod '${pod.metadata.name}' reported no exit code (state ${state}).${failure}`,
  };
}

function exitDetail(reason?: string, message?: string): string {
  if (!reason || reason === "Error" || reason === "Completed") return "";
  return reason === "OOMKilled"
    ? "The container was killed for exceeding its memory limit (OOMKilled)."
    : `The container ended: ${describeCondition(reason, message)}.`;
}

function describeCondition(reason?: string, message?: string): string {
  return (
    [reason, message].filter((part) => part !== undefined && part !== "").join(": ") || "no reason given"
  );
}
