/** Failure injection, so clients can be tested against the ways a real apiserver and kubelet misbehave. */
export interface KubeFaults {
  /** End every watch response this many ms after it opens (a clean chunked end); null turns it off. */
  closeWatchesAfterMs(ms: number | null): void;
  /** The next `count` watch requests get HTTP 410 Gone (Status reason "Expired"). */
  goneOnNextWatches(count: number): void;
  /** The next `count` watches receive one ERROR event holding a 410 Expired Status, then end. */
  goneEventOnNextWatches(count: number): void;
  /** Follow log streams are cut (socket ended) after this many bytes, at most `times` times (default: no limit). */
  cutLogStreamsAfterBytes(bytes: number | null, times?: number): void;
  /** Pod phase Failed, reason "Evicted", containers killed, no exit code in the container status. */
  evictPod(namespace: string, name: string, message?: string): Promise<void>;
  /** While on, the scheduler leaves new pods Pending and Unschedulable; turning it off schedules them. */
  keepPodsPending(on: boolean): void;
  /** The next `count` matching requests are answered with this status instead of being served. */
  failRequests(opts: {
    status: 500 | 429 | 503;
    count: number;
    match?: (method: string, path: string) => boolean;
    retryAfterSeconds?: number;
  }): void;
  /** GET /api/v1/namespaces/kube-system answers 403 Forbidden, as without RBAC for namespaces. */
  forbidClusterUidRead(on: boolean): void;
}

interface FailureRule {
  status: 500 | 429 | 503;
  remaining: number;
  match: (method: string, path: string) => boolean;
  retryAfterSeconds: number | undefined;
}

export interface FaultHooks {
  evictPod(namespace: string, name: string, message: string): Promise<void>;
  podsPendingChanged(on: boolean): void;
}

/** The fault switches, read by the router, the watch and log handlers and the scheduler. */
export class FaultState implements KubeFaults {
  watchLifetimeMs: number | null = null;
  podsPending = false;
  clusterUidForbidden = false;
  private goneWatches = 0;
  private goneEventWatches = 0;
  private logCutBytes: number | null = null;
  private logCutsLeft = 0;
  private readonly failureRules: FailureRule[] = [];

  constructor(private readonly hooks: FaultHooks) {}

  closeWatchesAfterMs(ms: number | null): void {
    this.watchLifetimeMs = ms;
  }

  goneOnNextWatches(count: number): void {
    this.goneWatches = count;
  }

  goneEventOnNextWatches(count: number): void {
    this.goneEventWatches = count;
  }

  cutLogStreamsAfterBytes(bytes: number | null, times = Number.POSITIVE_INFINITY): void {
    this.logCutBytes = bytes;
    this.logCutsLeft = bytes === null ? 0 : times;
  }

  evictPod(
    namespace: string,
    name: string,
    message = "The node was low on resource: memory.",
  ): Promise<void> {
    return this.hooks.evictPod(namespace, name, message);
  }

  keepPodsPending(on: boolean): void {
    this.podsPending = on;
    this.hooks.podsPendingChanged(on);
  }

  failRequests(opts: {
    status: 500 | 429 | 503;
    count: number;
    match?: (method: string, path: string) => boolean;
    retryAfterSeconds?: number;
  }): void {
    this.failureRules.push({
      status: opts.status,
      remaining: opts.count,
      match: opts.match ?? (() => true),
      retryAfterSeconds: opts.retryAfterSeconds,
    });
  }

  forbidClusterUidRead(on: boolean): void {
    this.clusterUidForbidden = on;
  }

  takeGoneWatch(): boolean {
    if (this.goneWatches <= 0) return false;
    this.goneWatches--;
    return true;
  }

  takeGoneEventWatch(): boolean {
    if (this.goneEventWatches <= 0) return false;
    this.goneEventWatches--;
    return true;
  }

  /** The byte count after which this new follow stream is cut, or null; each call uses up one cut. */
  takeLogCut(): number | null {
    if (this.logCutBytes === null || this.logCutsLeft <= 0) return null;
    this.logCutsLeft--;
    return this.logCutBytes;
  }

  takeFailure(method: string, path: string): { status: 500 | 429 | 503; retryAfterSeconds?: number } | null {
    const rule = this.failureRules.find((r) => r.remaining > 0 && r.match(method, path));
    if (!rule) return null;
    rule.remaining--;
    if (rule.remaining === 0) this.failureRules.splice(this.failureRules.indexOf(rule), 1);
    return { status: rule.status, retryAfterSeconds: rule.retryAfterSeconds };
  }
}
