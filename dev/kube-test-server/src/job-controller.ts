import type { Deleter } from "./deletion.js";
import type { EventRecorder } from "./events.js";
import { condition } from "./kubelet.js";
import { generateName, newUid, timestamp } from "./meta.js";
import type { Store } from "./store.js";
import type { Condition, Job, JobStatus, Pod } from "./types.js";

/** The real controller backs off 10 s, 20 s, …; tests want retries fast. */
const RETRY_DELAY_MS = 1000;

interface JobState {
  succeeded: Set<string>;
  failed: Set<string>;
  /** Container restarts per pod: failures under restartPolicy OnFailure. */
  restarts: Map<string, number>;
  retryAt: number;
  /** When the first pod may be created, under the `delayPodCreation` fault. */
  firstPodAt?: number;
  startedAtMs?: number;
  finishedAtMs?: number;
  retryTimer?: NodeJS.Timeout;
  deadlineTimer?: NodeJS.Timeout;
  ttlTimer?: NodeJS.Timeout;
}

const TARGET_CONDITIONS = ["SuccessCriteriaMet", "FailureTarget"];
const FINAL_CONDITIONS = ["Complete", "Failed"];

function hasCondition(job: Job, types: string[]): Condition | undefined {
  return job.status.conditions?.find((c) => types.includes(c.type) && c.status === "True");
}

function isTerminal(pod: Pod): boolean {
  return pod.status.phase === "Succeeded" || pod.status.phase === "Failed";
}

function isReady(pod: Pod): boolean {
  return pod.status.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

/**
 * The Job controller: one pod per attempt, retries until `failed > backoffLimit`, enforces
 * activeDeadlineSeconds and ttlSecondsAfterFinished. Counts are kept here, by pod uid, so they survive
 * pods being deleted (the real controller uses a finalizer for the same purpose).
 */
export class JobController {
  private readonly states = new Map<string, JobState>();
  private readonly queued = new Set<string>();
  private readonly unsubscribe: () => void;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly deleter: Deleter,
    private readonly recorder: EventRecorder,
    private readonly podCreationDelayMs: () => number | null = () => null,
  ) {
    this.unsubscribe = store.subscribe((event) => {
      if (event.resource === "jobs") {
        const job = event.object as Job;
        if (event.type === "DELETED") this.forget(job.metadata.uid);
        else this.enqueue(job.metadata.namespace ?? "default", job.metadata.name);
      } else if (event.resource === "pods") {
        const pod = event.object as Pod;
        const owner = pod.metadata.ownerReferences?.find((r) => r.kind === "Job" && r.controller);
        const job = owner && this.store.get<Job>("jobs", pod.metadata.namespace, owner.name);
        if (!owner || job?.metadata.uid !== owner.uid) return;
        this.account(owner.uid, pod, event.type === "DELETED");
        this.enqueue(pod.metadata.namespace ?? "default", owner.name);
      }
    });
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
    for (const uid of [...this.states.keys()]) this.forget(uid);
  }

  private state(uid: string): JobState {
    let state = this.states.get(uid);
    if (!state) {
      state = { succeeded: new Set(), failed: new Set(), restarts: new Map(), retryAt: 0 };
      this.states.set(uid, state);
    }
    return state;
  }

  private forget(uid: string): void {
    const state = this.states.get(uid);
    if (!state) return;
    clearTimeout(state.retryTimer);
    clearTimeout(state.deadlineTimer);
    clearTimeout(state.ttlTimer);
    this.states.delete(uid);
  }

  /** Runs inside the store's event delivery, so it only reads; writes happen in sync(). */
  private account(jobUid: string, pod: Pod, deleted: boolean): void {
    const state = this.state(jobUid);
    const uid = pod.metadata.uid;
    const failuresBefore = state.failed.size + [...state.restarts.values()].reduce((a, b) => a + b, 0);
    const restarts = (pod.status.containerStatuses ?? []).reduce((sum, s) => sum + s.restartCount, 0);
    if (restarts > 0) state.restarts.set(uid, restarts);
    if (pod.status.phase === "Succeeded") state.succeeded.add(uid);
    else if (pod.status.phase === "Failed") state.failed.add(uid);
    else if (deleted && !state.succeeded.has(uid)) {
      // A pod removed before it finished counts as a failed attempt, unless the job was already decided.
      const owner = pod.metadata.ownerReferences?.find((r) => r.uid === jobUid);
      const job = owner && this.store.get<Job>("jobs", pod.metadata.namespace, owner.name);
      if (job && !hasCondition(job, [...TARGET_CONDITIONS, ...FINAL_CONDITIONS])) state.failed.add(uid);
    }
    const failuresAfter = state.failed.size + [...state.restarts.values()].reduce((a, b) => a + b, 0);
    if (failuresAfter > failuresBefore) state.retryAt = Date.now() + RETRY_DELAY_MS;
  }

  private enqueue(namespace: string, name: string): void {
    const key = `${namespace}/${name}`;
    if (this.stopped || this.queued.has(key)) return;
    this.queued.add(key);
    queueMicrotask(() => {
      this.queued.delete(key);
      if (!this.stopped) this.sync(namespace, name);
    });
  }

  private sync(namespace: string, name: string): void {
    const job = this.store.get<Job>("jobs", namespace, name);
    if (!job || job.metadata.deletionTimestamp) return;
    const state = this.state(job.metadata.uid);
    if (hasCondition(job, FINAL_CONDITIONS)) {
      this.scheduleTtl(job, state);
      return;
    }
    const now = Date.now();
    state.startedAtMs ??= job.status.startTime ? Date.parse(job.status.startTime) : now;
    const startedAtMs = state.startedAtMs;
    const completions = job.spec.completions ?? 1;
    const parallelism = job.spec.parallelism ?? 1;
    const backoffLimit = job.spec.backoffLimit ?? 6;
    const succeeded = state.succeeded.size;
    const failed = state.failed.size + [...state.restarts.values()].reduce((a, b) => a + b, 0);

    const conditions = [...(job.status.conditions ?? [])];
    let target = hasCondition(job, TARGET_CONDITIONS);
    if (!target) {
      const deadline = job.spec.activeDeadlineSeconds;
      let reached: Condition | undefined;
      if (succeeded >= completions) {
        reached = condition(
          job,
          "SuccessCriteriaMet",
          "True",
          "CompletionsReached",
          "Reached expected number of succeeded pods",
        );
      } else if (failed > backoffLimit) {
        reached = condition(
          job,
          "FailureTarget",
          "True",
          "BackoffLimitExceeded",
          "Job has reached the specified backoff limit",
        );
      } else if (deadline !== undefined && now >= startedAtMs + deadline * 1000) {
        reached = condition(
          job,
          "FailureTarget",
          "True",
          "DeadlineExceeded",
          "Job was active longer than specified deadline",
        );
      }
      if (reached) {
        target = reached;
        conditions.push(reached);
        if (reached.type === "FailureTarget") {
          this.recorder.record(job, "Warning", reached.reason ?? "", reached.message ?? "", "job-controller");
        }
        for (const pod of this.deleter.jobPods(job)) {
          if (isTerminal(pod) || pod.metadata.deletionTimestamp) continue;
          this.deleter.deletePod(namespace, pod.metadata.name);
          this.recorder.record(
            job,
            "Normal",
            "SuccessfulDelete",
            `Deleted pod: ${pod.metadata.name}`,
            "job-controller",
          );
        }
      }
    }

    if (!target) this.createPods(job, state, now, completions - succeeded, parallelism);
    if (!target) this.scheduleDeadline(job, state, now);

    const pods = this.deleter.jobPods(job);
    const active = pods.filter((p) => !isTerminal(p) && !p.metadata.deletionTimestamp);
    const stillRunning = pods.filter((p) => !isTerminal(p));
    let completionTime: string | undefined;
    if (target && stillRunning.length === 0) {
      // The final condition waits for the pods to stop, as the real controller's does since 1.31.
      const success = target.type === "SuccessCriteriaMet";
      conditions.push(
        condition(
          job,
          success ? "Complete" : "Failed",
          "True",
          success ? "Completed" : target.reason,
          target.message,
        ),
      );
      state.finishedAtMs = Date.now();
      if (success) {
        completionTime = timestamp();
        this.recorder.record(job, "Normal", "Completed", "Job completed", "job-controller");
      }
    }

    const updated = this.store.update<Job>("jobs", namespace, name, (j) => {
      const status: JobStatus = {
        ...(j.status.startTime ? {} : { startTime: timestamp(new Date(startedAtMs)) }),
        ...j.status,
        conditions,
        ready: active.filter(isReady).length,
      };
      if (conditions.length === 0) delete status.conditions;
      setCount(status, "active", active.length);
      setCount(status, "succeeded", succeeded);
      setCount(status, "failed", failed);
      if (completionTime) status.completionTime = completionTime;
      j.status = status;
    });
    if (updated && hasCondition(updated, FINAL_CONDITIONS)) this.scheduleTtl(updated, state);
  }

  private createPods(job: Job, state: JobState, now: number, remaining: number, parallelism: number): void {
    const active = this.deleter.jobPods(job).filter((p) => !isTerminal(p));
    const wanted = Math.min(parallelism, remaining) - active.length;
    if (wanted <= 0) return;
    state.firstPodAt ??= now + (this.podCreationDelayMs() ?? 0);
    const notBefore = Math.max(state.retryAt, state.firstPodAt);
    if (now < notBefore) {
      clearTimeout(state.retryTimer);
      state.retryTimer = setTimeout(
        () => this.enqueue(job.metadata.namespace ?? "default", job.metadata.name),
        notBefore - now,
      );
      return;
    }
    for (let i = 0; i < wanted; i++) {
      const pod = this.store.create<Pod>("pods", this.podFor(job));
      this.recorder.record(
        job,
        "Normal",
        "SuccessfulCreate",
        `Created pod: ${pod.metadata.name}`,
        "job-controller",
      );
    }
  }

  private podFor(job: Job): Pod {
    const template = job.spec.template;
    return {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: generateName(`${job.metadata.name}-`),
        generateName: `${job.metadata.name}-`,
        namespace: job.metadata.namespace ?? "default",
        uid: newUid(),
        resourceVersion: "",
        creationTimestamp: timestamp(),
        labels: { ...template.metadata?.labels },
        ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
        ownerReferences: [
          {
            apiVersion: "batch/v1",
            kind: "Job",
            name: job.metadata.name,
            uid: job.metadata.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: structuredClone(template.spec),
      status: { phase: "Pending", qosClass: "BestEffort" },
    };
  }

  private scheduleDeadline(job: Job, state: JobState, now: number): void {
    const deadline = job.spec.activeDeadlineSeconds;
    if (deadline === undefined || state.deadlineTimer || state.startedAtMs === undefined) return;
    state.deadlineTimer = setTimeout(
      () => this.enqueue(job.metadata.namespace ?? "default", job.metadata.name),
      Math.max(0, state.startedAtMs + deadline * 1000 - now),
    );
  }

  private scheduleTtl(job: Job, state: JobState): void {
    const ttl = job.spec.ttlSecondsAfterFinished;
    if (ttl === undefined || ttl === null || state.ttlTimer) return;
    const finished = hasCondition(job, FINAL_CONDITIONS);
    const recorded = Date.parse(finished?.lastTransitionTime ?? "");
    const finishedAt = state.finishedAtMs ?? (Number.isNaN(recorded) ? Date.now() : recorded);
    const namespace = job.metadata.namespace ?? "default";
    state.ttlTimer = setTimeout(
      () => this.deleter.deleteJob(namespace, job.metadata.name, "Background"),
      Math.max(0, finishedAt + ttl * 1000 - Date.now()),
    );
  }
}

/** Job counters are omitted when zero, as the API's `omitempty` does. */
function setCount(status: JobStatus, key: "active" | "succeeded" | "failed", value: number): void {
  if (value > 0) status[key] = value;
  else delete status[key];
}
