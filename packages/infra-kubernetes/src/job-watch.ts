import { EventEmitter } from "node:events";
import type { Writable } from "node:stream";
import type { Logger } from "@infrablocks/core/runtime";
import {
  evictionReason,
  exitStatus,
  jobFinish,
  mainContainerStatus,
  type StatusResult,
} from "./exit-code.js";
import { apiFailure, deleteJob } from "./job-api.js";
import { MAIN_CONTAINER } from "./job-manifest.js";
import type { KubeClient } from "./kube-client.js";
import { type Job, jobsPath, type KubeList, type Pod, podsPath } from "./kube-types.js";
import { followPodLogs } from "./pod-logs.js";
import { watchResource } from "./resource-watch.js";

export interface JobWatchOptions {
  client: KubeClient;
  namespace: string;
  name: string;
  streamOutput: boolean;
  podWatchTimeoutSeconds: number;
  jobWatchTimeoutSeconds: number | undefined;
  output: Writable;
  log: Logger;
}

/** Image problems the kubelet keeps retrying but that rarely heal: reported after this grace. */
export const IMAGE_PULL_GRACE_MS = 5_000;
const RETRIED_PULL_FAILURES = new Set(["ErrImagePull", "ImagePullBackOff"]);
/** Image problems no retry can fix: reported at once. */
const PERMANENT_PULL_FAILURES = new Set(["ErrImageNeverPull", "InvalidImageName"]);
/** How long a finished job's logs may take to arrive in full before the run reports without them. */
const LOG_DRAIN_MS = 30_000;
/** The same for a deleted job: its pods' default grace period (30 s), then the drain after it. */
const DELETED_LOG_DRAIN_MS = 30_000 + LOG_DRAIN_MS;

type Outcome =
  | { kind: "finished"; failure: string | undefined }
  | { kind: "deleted" }
  | { kind: "timeout" }
  | { kind: "never-started"; reason: string }
  | { kind: "image-pull"; reason: string }
  | { kind: "error"; what: string; error: unknown };

/**
 * Follows a created job to its end and returns its status. Two watches (the Job, its pods) and one
 * log stream per pod carry everything, so the number of API requests does not grow with the job's
 * duration. Timeouts are timers of their own: they fire even when the job prints nothing.
 */
export async function watchJob(options: JobWatchOptions): Promise<StatusResult> {
  return new JobRun(options).wait();
}

class JobRun {
  readonly #options: JobWatchOptions;
  readonly #pods = new Map<string, Pod>();
  readonly #abort = new AbortController();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #changes = new EventEmitter();
  readonly #followed = new Set<string>();
  readonly #phases = new Map<string, string>();
  readonly #outcome: Promise<Outcome>;
  #settle: (outcome: Outcome) => void = () => undefined;
  #podStarted = false;
  #pullTimer: NodeJS.Timeout | undefined;
  #logs: Promise<void> = Promise.resolve();
  /** Resolves once the pods have been listed, so that the logs of a job found finished are not skipped. */
  readonly #podsListed: Promise<void>;
  #markPodsListed: () => void = () => undefined;

  constructor(options: JobWatchOptions) {
    this.#options = options;
    this.#podsListed = new Promise((resolve) => {
      this.#markPodsListed = resolve;
    });
    this.#outcome = new Promise((resolve) => {
      this.#settle = resolve;
    });
    this.#changes.setMaxListeners(0);
  }

  async wait(): Promise<StatusResult> {
    const { client, namespace, name, log } = this.#options;
    const signal = this.#abort.signal;
    this.#after(this.#options.podWatchTimeoutSeconds * 1000, () => {
      if (!this.#podStarted) this.#settle({ kind: "never-started", reason: this.#pendingReason() });
    });
    const jobTimeout = this.#options.jobWatchTimeoutSeconds;
    if (jobTimeout !== undefined) this.#after(jobTimeout * 1000, () => this.#settle({ kind: "timeout" }));

    const watches = [
      watchResource<Job>({
        client,
        path: jobsPath(namespace),
        selector: { fieldSelector: `metadata.name=${name}` },
        onList: (jobs) => (jobs[0] ? this.#jobChanged(jobs[0]) : this.#settle({ kind: "deleted" })),
        onEvent: (type, job) =>
          type === "DELETED" ? this.#settle({ kind: "deleted" }) : this.#jobChanged(job),
        signal,
      }).catch((error) => this.#settle({ kind: "error", what: `Could not watch job '${name}'`, error })),
      watchResource<Pod>({
        client,
        path: podsPath(namespace),
        selector: { labelSelector: `job-name=${name}` },
        onList: (pods) => {
          this.#pods.clear();
          for (const pod of pods) this.#pods.set(pod.metadata.name, pod);
          this.#podsChanged();
          this.#markPodsListed();
        },
        onEvent: (type, pod) => {
          if (type === "DELETED") this.#pods.delete(pod.metadata.name);
          else this.#pods.set(pod.metadata.name, pod);
          this.#podsChanged();
        },
        signal,
      })
        .catch((error) =>
          this.#settle({ kind: "error", what: `Could not watch the pods of job '${name}'`, error }),
        )
        .finally(() => this.#markPodsListed()),
    ];

    const outcome = await this.#outcome;
    for (const timer of this.#timers) clearTimeout(timer);
    try {
      return await this.#conclude(outcome);
    } finally {
      this.#abort.abort();
      await Promise.allSettled([...watches, this.#logs]);
      log.info(`Job '${name}' is no longer watched.`);
    }
  }

  async #conclude(outcome: Outcome): Promise<StatusResult> {
    const { client, namespace, name, log } = this.#options;
    switch (outcome.kind) {
      case "finished": {
        let pods: Pod[];
        try {
          pods = (
            await client.request<KubeList<Pod>>("GET", podsPath(namespace), {
              query: { labelSelector: `job-name=${name}` },
            })
          ).items;
        } catch (error) {
          throw apiFailure(
            client,
            `Job '${name}' finished, but its pods cannot be read for the exit code`,
            error,
          );
        }
        this.#learnEndedPods(pods);
        await this.#drainLogs(LOG_DRAIN_MS, `Job '${name}' finished before all its logs arrived.`);
        return exitStatus(pods, outcome.failure);
      }
      case "deleted":
        // Its pods outlive the job by their grace period, and may print on the way out (a TERM
        // handler's last lines): their logs are read to the end, as a finished job's are.
        await this.#drainLogs(DELETED_LOG_DRAIN_MS, `Job '${name}' was deleted before all its logs arrived.`);
        return { statusCode: -1, message: `Job '${name}' was deleted before it finished.` };
      case "timeout":
        return this.#giveUp(`Job '${name}' did not complete within ${this.#options.jobWatchTimeoutSeconds}s`);
      case "never-started":
        return this.#giveUp(
          `Job '${name}': its pod did not start within ${this.#options.podWatchTimeoutSeconds}s (${outcome.reason})`,
        );
      case "image-pull":
        log.error(`Job '${name}': the image cannot be pulled (${outcome.reason}).`);
        return this.#giveUp(`Job '${name}': the image cannot be pulled (${outcome.reason})`);
      case "error":
        throw apiFailure(
          client,
          `${outcome.what}; it may still be running (kill it with its identifier)`,
          outcome.error,
        );
    }
  }

  /** Deletes the job so that it cannot start later unobserved, and reports -1 with the reason. */
  async #giveUp(reason: string): Promise<StatusResult> {
    const { client, namespace, name, log } = this.#options;
    log.error(`${reason}; deleting it.`);
    try {
      await deleteJob(client, namespace, name);
    } catch (error) {
      throw apiFailure(client, `${reason}, and it could not be deleted`, error);
    }
    return { statusCode: -1, message: `${reason}; the job was deleted.` };
  }

  #jobChanged(job: Job): void {
    const finish = jobFinish(job);
    if (finish.finished) this.#settle({ kind: "finished", failure: finish.failure });
  }

  #podsChanged(): void {
    const { log, name } = this.#options;
    const pods = [...this.#pods.values()].sort((a, b) =>
      (a.metadata.creationTimestamp ?? "").localeCompare(b.metadata.creationTimestamp ?? ""),
    );
    for (const pod of pods) {
      const podName = pod.metadata.name;
      const phase = pod.status?.phase ?? "Pending";
      if (this.#phases.get(podName) !== phase) {
        this.#phases.set(podName, phase);
        const evicted = evictionReason(pod);
        if (evicted) log.warn(`Job '${name}': pod '${podName}' was evicted (${evicted}).`);
        else log.info(`Job '${name}': pod '${podName}' is ${phase}.`);
      }
      const state = mainContainerStatus(pod)?.state;
      const containerRan = state?.running !== undefined || state?.terminated !== undefined;
      if (phase !== "Pending" || containerRan) this.#podStarted = true;
      const waiting = state?.waiting?.reason;
      if (!containerRan && waiting && PERMANENT_PULL_FAILURES.has(waiting)) {
        this.#settle({ kind: "image-pull", reason: this.#waitingReason(pod) });
      } else if (!containerRan && waiting && RETRIED_PULL_FAILURES.has(waiting) && !this.#pullTimer) {
        this.#pullTimer = this.#after(IMAGE_PULL_GRACE_MS, () => {
          this.#pullTimer = undefined;
          const stuck = [...this.#pods.values()].find((candidate) => {
            const reason = mainContainerStatus(candidate)?.state?.waiting?.reason;
            return reason !== undefined && RETRIED_PULL_FAILURES.has(reason);
          });
          if (stuck) this.#settle({ kind: "image-pull", reason: this.#waitingReason(stuck) });
        });
      }
      if (this.#options.streamOutput && containerRan && !this.#followed.has(podName)) {
        this.#followed.add(podName);
        // Pods of a job run one after another; their logs are written in the same order.
        this.#logs = this.#logs.then(() => this.#follow(podName));
      }
    }
    this.#changes.emit("change");
  }

  #follow(pod: string): Promise<void> {
    const { client, namespace, output, log } = this.#options;
    return followPodLogs({
      client,
      namespace,
      pod,
      container: MAIN_CONTAINER,
      output,
      log,
      signal: this.#abort.signal,
      ended: () => this.#podEnded(pod),
      nextChange: (ms) => this.#nextChange(ms),
    });
  }

  #podEnded(name: string): boolean {
    const pod = this.#pods.get(name);
    return !pod || hasEnded(pod);
  }

  /**
   * The job's watch and its pods' watch are two streams: the job's end can arrive before its pods'
   * watch has told that their containers ran (under load, seconds before). The pods listed at the end
   * fill that in, so that the logs of a pod never seen running are still read. An end is final, so a
   * listed pod that ended replaces whatever the watch last said of it, and one the watch never told of
   * at all is added (`#podEnded` counts an unknown pod as ended, which would skip the worst case).
   */
  #learnEndedPods(pods: readonly Pod[]): void {
    const learned = pods.filter((pod) => {
      const known = this.#pods.get(pod.metadata.name);
      return hasEnded(pod) && (known === undefined || !hasEnded(known));
    });
    if (learned.length === 0) return;
    for (const pod of learned) this.#pods.set(pod.metadata.name, pod);
    this.#podsChanged();
  }

  #nextChange(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#changes.off("change", done);
        this.#abort.signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#changes.once("change", done);
      this.#abort.signal.addEventListener("abort", done, { once: true });
    });
  }

  /** Waits for the logs of an ended job, but not forever: the exit status matters more. */
  async #drainLogs(boundMs: number, lateWarning: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), boundMs);
    });
    // A job found finished (attach after the end) may settle before its pods are listed: their logs
    // are followed only from then on.
    const drained = this.#podsListed.then(() => this.#logs).then(() => false);
    const tooLate = await Promise.race([drained, late]);
    clearTimeout(timer);
    if (tooLate) this.#options.log.warn(lateWarning);
  }

  /** Why the newest pod is still pending: its scheduling condition or its container's waiting reason. */
  #pendingReason(): string {
    const pods = [...this.#pods.values()];
    if (pods.length === 0) return "no pod was created";
    const pod = pods.sort((a, b) =>
      (b.metadata.creationTimestamp ?? "").localeCompare(a.metadata.creationTimestamp ?? ""),
    )[0] as Pod;
    const unscheduled = pod.status?.conditions?.find(
      (condition) => condition.type === "PodScheduled" && condition.status === "False",
    );
    if (unscheduled) return [unscheduled.reason, unscheduled.message].filter(Boolean).join(": ");
    const waiting = mainContainerStatus(pod)?.state?.waiting;
    return waiting?.reason
      ? this.#waitingReason(pod)
      : `pod '${pod.metadata.name}' is ${pod.status?.phase ?? "Pending"}`;
  }

  #waitingReason(pod: Pod): string {
    const waiting = mainContainerStatus(pod)?.state?.waiting;
    return [waiting?.reason, waiting?.message].filter(Boolean).join(": ");
  }

  #after(ms: number, callback: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      callback();
    }, ms);
    this.#timers.add(timer);
    return timer;
  }
}

function hasEnded(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return (
    phase === "Succeeded" || phase === "Failed" || mainContainerStatus(pod)?.state?.terminated !== undefined
  );
}
