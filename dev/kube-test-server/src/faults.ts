/** Failure injection, so clients can be tested against the ways a real apiserver and kubelet misbehave. */
import type { ResourceName } from "./types.js";

/** Bursts of failures: see {@link KubeFaults.failInBursts}. */
export interface BurstOptions {
  seed: number;
  chance: number;
  length: number;
  statuses: (500 | 429 | 503)[];
  match?: (method: string, path: string) => boolean;
}

export interface KubeFaults {
  /** End every watch response this many ms after it opens (a clean chunked end); null turns it off. */
  closeWatchesAfterMs(ms: number | null): void;
  /**
   * End every watch at a random point: after a lifetime drawn for each watch from [minMs, maxMs] by a
   * PRNG seeded with `seed` (a clean chunked end, as when the apiserver's request timeout fires); null
   * turns it off.
   */
  closeWatchesRandomly(opts: { seed: number; minMs: number; maxMs: number } | null): void;
  /**
   * Bursts of failures: any matching request starts a burst with probability `chance` (a PRNG seeded
   * with `seed` decides), and a burst answers that request and the next `length - 1` matching ones
   * with one of `statuses` (drawn per burst); null turns it off.
   */
  failInBursts(opts: BurstOptions | null): void;
  /**
   * A container's exit shows in its pod's status this many ms late (a real kubelet notices exits on
   * its next relist, a second or more); its log has ended meanwhile. null turns it off.
   */
  delayPodStatus(ms: number | null): void;
  /**
   * Live events of every watch of `resource` reach the client `ms` late, in order: one watch lags
   * behind another, as two streams of a real apiserver can (a Job's end seen before its pods'
   * changes). null turns it off.
   */
  delayWatchEvents(opts: { resource: ResourceName; ms: number } | null): void;
  /**
   * A Job's first pod is created this many ms after the Job, as by a controller manager that is behind:
   * a client's first list of the Job's pods finds none. null turns it off.
   */
  delayPodCreation(ms: number | null): void;
  /** The next `count` watch requests get HTTP 410 Gone (Status reason "Expired"). */
  goneOnNextWatches(count: number): void;
  /** The next `count` watches receive one ERROR event holding a 410 Expired Status, then end. */
  goneEventOnNextWatches(count: number): void;
  /** Follow log streams are cut (socket ended) after this many bytes, at most `times` times (default: no limit). */
  cutLogStreamsAfterBytes(bytes: number | null, times?: number): void;
  /** Follow log streams are cut as `cut` says (see {@link LogCut}); null turns it off. */
  cutLogStreams(cut: LogCut | null): void;
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

/**
 * How follow log streams (`follow=true`; other log reads are left whole) are cut, as a proxy or load
 * balancer with a byte or idle limit cuts them. The cut falls wherever the byte count does: mid-line,
 * inside a timestamp, between lines.
 */
export interface LogCut {
  /** Bytes per stream: a fixed count, or drawn for each stream from [min, max] by a PRNG seeded with `seed`. */
  bytes: number | { seed: number; min: number; max: number };
  /**
   * "bytes" (default): a stream ends after `bytes`. "end": a stream ends when the container has ended
   * and its log is sent, `bytes` short of the log's end (the stream's last bytes are held back and lost).
   */
  at?: "bytes" | "end";
  /**
   * "clean" (default): the answer ends properly (the chunked terminator is sent), so the client cannot
   * tell the cut from the log's end. "drop": the connection closes without the terminator.
   */
  end?: "clean" | "drop";
  /** At most this many streams are cut (default: every one). */
  times?: number;
}

/** The cut of one follow stream. */
export interface StreamCut {
  bytes: number;
  at: "bytes" | "end";
  clean: boolean;
}

/** A small seeded PRNG (mulberry32): the same seed gives the same cuts. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
  podStatusDelayMs: number | null = null;
  podCreationDelayMs: number | null = null;
  private watchEventDelay: { resource: ResourceName; ms: number } | null = null;
  private randomWatchLifetime: (() => number) | null = null;
  private bursts: {
    random: () => number;
    chance: number;
    length: number;
    statuses: (500 | 429 | 503)[];
    match: (method: string, path: string) => boolean;
    status: 500 | 429 | 503;
    left: number;
  } | null = null;
  podsPending = false;
  clusterUidForbidden = false;
  private goneWatches = 0;
  private goneEventWatches = 0;
  private logCut: { cut: Required<Omit<LogCut, "bytes">>; bytes: () => number } | null = null;
  private logCutsLeft = 0;
  private readonly failureRules: FailureRule[] = [];

  constructor(private readonly hooks: FaultHooks) {}

  closeWatchesAfterMs(ms: number | null): void {
    this.watchLifetimeMs = ms;
  }

  closeWatchesRandomly(opts: { seed: number; minMs: number; maxMs: number } | null): void {
    if (opts === null) {
      this.randomWatchLifetime = null;
      return;
    }
    const random = seededRandom(opts.seed);
    this.randomWatchLifetime = () => opts.minMs + Math.floor(random() * (opts.maxMs - opts.minMs + 1));
  }

  /** How long this new watch may stay open, by the faults: a fixed or a drawn lifetime, or null. */
  takeWatchLifetime(): number | null {
    const drawn = this.randomWatchLifetime?.() ?? null;
    if (drawn === null) return this.watchLifetimeMs;
    return this.watchLifetimeMs === null ? drawn : Math.min(drawn, this.watchLifetimeMs);
  }

  failInBursts(opts: BurstOptions | null): void {
    this.bursts =
      opts === null
        ? null
        : {
            random: seededRandom(opts.seed),
            chance: opts.chance,
            length: opts.length,
            statuses: opts.statuses,
            match: opts.match ?? (() => true),
            status: opts.statuses[0] ?? 500,
            left: 0,
          };
  }

  delayPodStatus(ms: number | null): void {
    this.podStatusDelayMs = ms;
  }

  delayPodCreation(ms: number | null): void {
    this.podCreationDelayMs = ms;
  }

  delayWatchEvents(opts: { resource: ResourceName; ms: number } | null): void {
    this.watchEventDelay = opts;
  }

  /** How late a live event of a watch of `resource` is sent, in ms (0: at once). */
  watchEventDelayMs(resource: ResourceName): number {
    return this.watchEventDelay?.resource === resource ? this.watchEventDelay.ms : 0;
  }

  goneOnNextWatches(count: number): void {
    this.goneWatches = count;
  }

  goneEventOnNextWatches(count: number): void {
    this.goneEventWatches = count;
  }

  cutLogStreamsAfterBytes(bytes: number | null, times = Number.POSITIVE_INFINITY): void {
    this.cutLogStreams(bytes === null ? null : { bytes, times, end: "drop" });
  }

  cutLogStreams(cut: LogCut | null): void {
    if (cut === null) {
      this.logCut = null;
      this.logCutsLeft = 0;
      return;
    }
    const { bytes } = cut;
    let draw: () => number;
    if (typeof bytes === "number") {
      draw = () => bytes;
    } else {
      const random = seededRandom(bytes.seed);
      draw = () => bytes.min + Math.floor(random() * (bytes.max - bytes.min + 1));
    }
    this.logCut = {
      cut: { at: cut.at ?? "bytes", end: cut.end ?? "clean", times: cut.times ?? Number.POSITIVE_INFINITY },
      bytes: draw,
    };
    this.logCutsLeft = this.logCut.cut.times;
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

  /** How this new follow stream is cut, or null; each call uses up one cut. */
  takeLogCut(): StreamCut | null {
    if (this.logCut === null || this.logCutsLeft <= 0) return null;
    this.logCutsLeft--;
    const { cut, bytes } = this.logCut;
    return { bytes: bytes(), at: cut.at, clean: cut.end === "clean" };
  }

  takeFailure(method: string, path: string): { status: 500 | 429 | 503; retryAfterSeconds?: number } | null {
    const bursts = this.bursts;
    if (bursts?.match(method, path)) {
      if (bursts.left === 0 && bursts.random() < bursts.chance) {
        bursts.left = bursts.length;
        bursts.status = bursts.statuses[Math.floor(bursts.random() * bursts.statuses.length)] ?? 500;
      }
      if (bursts.left > 0) {
        bursts.left--;
        return { status: bursts.status };
      }
    }
    const rule = this.failureRules.find((r) => r.remaining > 0 && r.match(method, path));
    if (!rule) return null;
    rule.remaining--;
    if (rule.remaining === 0) this.failureRules.splice(this.failureRules.indexOf(rule), 1);
    return { status: rule.status, retryAfterSeconds: rule.retryAfterSeconds };
  }
}
