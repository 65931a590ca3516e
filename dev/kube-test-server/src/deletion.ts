import { timestamp } from "./meta.js";
import type { Store } from "./store.js";
import type { Job, Pod } from "./types.js";

export type PropagationPolicy = "Foreground" | "Background" | "Orphan";

const CONTROLLER_UID_LABEL = "batch.kubernetes.io/controller-uid";

function isTerminal(pod: Pod): boolean {
  return pod.status.phase === "Succeeded" || pod.status.phase === "Failed";
}

/**
 * The apiserver's graceful deletion and the garbage collector's propagation. A running pod is only
 * marked (deletionTimestamp); the kubelet stops its containers within the grace period and then removes it.
 */
export class Deleter {
  private readonly unsubscribe: () => void;

  constructor(private readonly store: Store) {
    // Foreground deletion finishes when the last dependent is gone.
    this.unsubscribe = store.subscribe((event) => {
      if (event.resource === "pods" && event.type === "DELETED") {
        queueMicrotask(() => this.finishForegroundDeletions());
      }
    });
  }

  close(): void {
    this.unsubscribe();
  }

  /** Returns the pod as left by the request: marked for deletion, or already removed. */
  deletePod(namespace: string, name: string, gracePeriodSeconds?: number): Pod | undefined {
    const pod = this.store.get<Pod>("pods", namespace, name);
    if (!pod) return undefined;
    if (pod.metadata.deletionTimestamp) return pod;
    const grace = gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
    // Nothing runs for an unscheduled or finished pod, so there is nothing to wait for.
    if (!pod.spec.nodeName || isTerminal(pod)) return this.store.remove<Pod>("pods", namespace, name);
    return this.store.update<Pod>("pods", namespace, name, (p) => {
      p.metadata.deletionTimestamp = timestamp(new Date(Date.now() + grace * 1000));
      p.metadata.deletionGracePeriodSeconds = grace;
    });
  }

  jobPods(job: Job): Pod[] {
    return this.store
      .list<Pod>("pods", job.metadata.namespace)
      .filter((p) => p.metadata.labels?.[CONTROLLER_UID_LABEL] === job.metadata.uid);
  }

  /** Returns the job if it still exists (Foreground), else undefined. */
  deleteJob(
    namespace: string,
    name: string,
    policy: PropagationPolicy,
    gracePeriodSeconds?: number,
  ): Job | undefined {
    const job = this.store.get<Job>("jobs", namespace, name);
    if (!job) return undefined;
    const pods = this.jobPods(job);
    if (policy === "Orphan") {
      this.store.remove("jobs", namespace, name);
      for (const pod of pods) {
        this.store.update<Pod>("pods", namespace, pod.metadata.name, (p) => {
          p.metadata.ownerReferences = p.metadata.ownerReferences?.filter((r) => r.uid !== job.metadata.uid);
          if (p.metadata.ownerReferences?.length === 0) delete p.metadata.ownerReferences;
        });
      }
      return undefined;
    }
    if (policy === "Background" || pods.length === 0) {
      this.store.remove("jobs", namespace, name);
      for (const pod of pods) this.deletePod(namespace, pod.metadata.name, gracePeriodSeconds);
      return undefined;
    }
    const marked = this.store.update<Job>("jobs", namespace, name, (j) => {
      j.metadata.deletionTimestamp ??= timestamp();
      j.metadata.deletionGracePeriodSeconds = 0;
      j.metadata.finalizers = [...new Set([...(j.metadata.finalizers ?? []), "foregroundDeletion"])];
    });
    for (const pod of pods) this.deletePod(namespace, pod.metadata.name, gracePeriodSeconds);
    this.finishForegroundDeletions();
    return this.store.get<Job>("jobs", namespace, name) ?? marked;
  }

  private finishForegroundDeletions(): void {
    for (const job of this.store.list<Job>("jobs")) {
      if (!job.metadata.finalizers?.includes("foregroundDeletion")) continue;
      if (this.jobPods(job).length === 0)
        this.store.remove("jobs", job.metadata.namespace, job.metadata.name);
    }
  }
}
