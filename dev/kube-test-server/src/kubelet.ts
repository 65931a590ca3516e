import type Docker from "dockerode";
import { type EventRecorder, NODE_NAME } from "./events.js";
import {
  defaultPullPolicy,
  imageId,
  imagePresent,
  type PullPolicy,
  pullImage,
  pullReference,
} from "./images.js";
import { timestamp } from "./meta.js";
import { parseQuantity } from "./quantity.js";
import { trackedWork } from "./settle.js";
import type { Store } from "./store.js";
import type { Condition, Container, ContainerStatus, Pod, PodStatus } from "./types.js";

/** Docker label on every container this server creates, valued with the server's id, so stop() finds them. */
export const SERVER_LABEL = "io.infrablocks.kube-test-server";

/** Short on purpose: tests should not wait for the kubelet's real 10 s back-offs. */
const RESTART_DELAY_MS = 1000;
const PULL_ERROR_TO_BACKOFF_MS = 1000;
const PULL_BACKOFF_START_MS = 2000;
const PULL_BACKOFF_MAX_MS = 20_000;

interface ContainerRun {
  spec: Container;
  status: ContainerStatus;
  dockerId?: string;
  /** The container of the previous attempt, for `previous=true` logs. */
  previousDockerId?: string;
  /** Settles once the current docker container's exit has been recorded (or it never ran). */
  exited: Promise<void>;
}

interface PodRun {
  namespace: string;
  name: string;
  uid: string;
  restartPolicy: "Always" | "OnFailure" | "Never";
  containers: ContainerRun[];
  scheduled: boolean;
  stopping: boolean;
  evictionMessage?: string;
  hostIP?: string;
  podIP?: string;
  startTime?: string;
  /** Wakes every sleeping retry loop of this pod so it can see it must stop. */
  wakers: Set<() => void>;
}

function waitingStatus(spec: Container, reason: string, message?: string): ContainerStatus {
  return {
    name: spec.name,
    image: spec.image ?? "",
    imageID: "",
    ready: false,
    started: false,
    restartCount: 0,
    state: { waiting: message ? { reason, message } : { reason } },
    lastState: {},
  };
}

/** Docker's zero time means "never"; Kubernetes has whole seconds. */
function dockerTime(value: string | undefined): string {
  if (!value || value.startsWith("0001-")) return timestamp();
  return timestamp(new Date(value));
}

function errorMessage(error: unknown): string {
  const e = error as { json?: { message?: string }; message?: string };
  return e.json?.message ?? e.message ?? String(error);
}

/**
 * The scheduler and the kubelet of the one node: binds new pods, runs their containers with Docker and
 * reports the real containers' states back into pod status.
 */
export class Kubelet {
  private readonly runs = new Map<string, PodRun>();
  private readonly work = trackedWork();
  private stopped = false;
  private admittedAny = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: Store,
    private readonly docker: Docker,
    private readonly recorder: EventRecorder,
    private readonly serverId: string,
    private readonly podsHeldPending: () => boolean,
    /** How long a container's exit takes to show in its pod's status (a fault), or null. */
    private readonly statusDelayMs: () => number | null = () => null,
  ) {
    this.unsubscribe = store.subscribe((event) => {
      if (event.resource !== "pods") return;
      const pod = event.object as Pod;
      // Deferred: a store listener must not write to the store while the event is being delivered.
      queueMicrotask(() => {
        if (event.type === "ADDED") this.admit(pod);
        else if (event.type === "MODIFIED" && pod.metadata.deletionTimestamp)
          this.work.add(this.terminate(pod));
        else if (event.type === "DELETED") this.work.add(this.forget(pod));
      });
    });
  }

  /**
   * Docker container id of the attempt whose log a pod's container serves (its previous attempt with
   * `previous`). Chosen by the container's status, as the kubelet does: the current attempt once it
   * runs or ran, else the last one that ended; none while the first waits to start, even once Docker
   * has created it (the kubelet answers 400 then, it does not stream an empty log).
   */
  containerId(podUid: string, container: string, previous: boolean): string | undefined {
    const c = this.runs.get(podUid)?.containers.find((x) => x.spec.name === container);
    if (!c || previous) return c?.previousDockerId;
    if (c.status.state.running || c.status.state.terminated) return c.dockerId;
    return c.status.lastState.terminated?.containerID?.replace(/^docker:\/\//, "");
  }

  /** Schedules every pod held back while the scheduler was told to keep pods pending. */
  scheduleHeldPods(): void {
    for (const run of this.runs.values()) if (!run.scheduled && !run.stopping) this.bind(run);
  }

  async evict(namespace: string, name: string, message: string): Promise<void> {
    const pod = this.store.get<Pod>("pods", namespace, name);
    if (!pod) return;
    const run = this.runs.get(pod.metadata.uid);
    if (!run || run.evictionMessage !== undefined) return;
    run.evictionMessage = message;
    this.wake(run);
    await Promise.all(run.containers.map((c) => this.killContainer(c.dockerId)));
    await Promise.all(run.containers.map((c) => c.exited));
    this.writeStatus(run, true);
    this.recorder.record(pod, "Warning", "Evicted", message, "kubelet");
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    for (const run of this.runs.values()) this.wake(run);
    // Running containers must end, or the loops waiting on them would never settle.
    await Promise.all(
      [...this.runs.values()].flatMap((run) => run.containers.map((c) => this.killContainer(c.dockerId))),
    );
    await this.work.settled();
    // A server that never ran a pod created no container, and may run without an engine (the API tests).
    if (!this.admittedAny) return;
    const mine = await this.docker.listContainers({
      all: true,
      filters: { label: [`${SERVER_LABEL}=${this.serverId}`] },
    });
    await Promise.all(mine.map((c) => this.removeContainer(c.Id)));
  }

  private admit(pod: Pod): void {
    if (this.stopped || this.runs.has(pod.metadata.uid)) return;
    this.admittedAny = true;
    const run: PodRun = {
      namespace: pod.metadata.namespace ?? "default",
      name: pod.metadata.name,
      uid: pod.metadata.uid,
      restartPolicy: pod.spec.restartPolicy ?? "Always",
      containers: pod.spec.containers.map((spec) => ({
        spec,
        status: waitingStatus(spec, "ContainerCreating"),
        exited: Promise.resolve(),
      })),
      scheduled: false,
      stopping: false,
      wakers: new Set(),
    };
    this.runs.set(run.uid, run);
    if (this.podsHeldPending()) {
      this.writeStatus(run);
      this.recorder.record(
        pod,
        "Warning",
        "FailedScheduling",
        "0/1 nodes are available: 1 node(s) were unschedulable.",
        "default-scheduler",
      );
      return;
    }
    this.bind(run);
  }

  private bind(run: PodRun): void {
    run.scheduled = true;
    run.startTime = timestamp();
    run.hostIP = "127.0.0.1";
    const pod = this.store.update<Pod>("pods", run.namespace, run.name, (p) => {
      p.spec.nodeName = NODE_NAME;
      p.status = this.computeStatus(run, p);
    });
    if (!pod) return;
    this.recorder.record(
      pod,
      "Normal",
      "Scheduled",
      `Successfully assigned ${run.namespace}/${run.name} to ${NODE_NAME}`,
      "default-scheduler",
    );
    for (const c of run.containers) this.work.add(this.runContainer(run, c));
  }

  private halted(run: PodRun): boolean {
    return this.stopped || run.stopping || run.evictionMessage !== undefined;
  }

  private wake(run: PodRun): void {
    for (const wake of [...run.wakers]) wake();
  }

  private sleep(run: PodRun, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        run.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      run.wakers.add(done);
    });
  }

  private podEvent(run: PodRun, type: "Normal" | "Warning", reason: string, message: string): void {
    const pod = this.store.get<Pod>("pods", run.namespace, run.name);
    if (pod) this.recorder.record(pod, type, reason, message, "kubelet");
  }

  private setWaiting(run: PodRun, c: ContainerRun, reason: string, message?: string): void {
    c.status = {
      ...c.status,
      ready: false,
      started: false,
      state: { waiting: message ? { reason, message } : { reason } },
    };
    this.writeStatus(run);
  }

  private async runContainer(run: PodRun, c: ContainerRun): Promise<void> {
    const image = c.spec.image ?? "";
    const policy: PullPolicy = c.spec.imagePullPolicy ?? defaultPullPolicy(image);
    try {
      if (await this.acquireImage(run, c, image, policy)) await this.startContainer(run, c);
    } catch (error) {
      if (!this.halted(run)) this.setWaiting(run, c, "CreateContainerError", errorMessage(error));
    }
  }

  /**
   * Resolves to true once the image is on the engine. With no registry reachable in tests, a present
   * image counts as pulled even under `Always`; a missing one goes through ErrImagePull and
   * ImagePullBackOff until it can be pulled, keeping the pod Pending as a real kubelet does.
   */
  private async acquireImage(
    run: PodRun,
    c: ContainerRun,
    image: string,
    policy: PullPolicy,
  ): Promise<boolean> {
    let backoff = PULL_BACKOFF_START_MS;
    while (!this.halted(run)) {
      if (await imagePresent(this.docker, image)) {
        this.podEvent(run, "Normal", "Pulled", `Container image "${image}" already present on machine`);
        return true;
      }
      if (policy === "Never") {
        const message = `Container image "${image}" is not present with pull policy of Never`;
        this.setWaiting(run, c, "ErrImageNeverPull", message);
        this.podEvent(run, "Warning", "ErrImageNeverPull", message);
        return false;
      }
      this.podEvent(run, "Normal", "Pulling", `Pulling image "${image}"`);
      try {
        await pullImage(this.docker, image);
        this.podEvent(run, "Normal", "Pulled", `Successfully pulled image "${image}"`);
        return true;
      } catch (error) {
        if (this.halted(run)) return false;
        const message = `Failed to pull image "${image}": ${errorMessage(error)}`;
        this.setWaiting(run, c, "ErrImagePull", message);
        this.podEvent(run, "Warning", "Failed", message);
        this.podEvent(run, "Warning", "Failed", "Error: ErrImagePull");
      }
      await this.sleep(run, PULL_ERROR_TO_BACKOFF_MS);
      if (this.halted(run)) return false;
      this.setWaiting(run, c, "ImagePullBackOff", `Back-off pulling image "${image}"`);
      this.podEvent(run, "Normal", "BackOff", `Back-off pulling image "${image}"`);
      this.podEvent(run, "Warning", "Failed", "Error: ImagePullBackOff");
      await this.sleep(run, backoff);
      backoff = Math.min(backoff * 2, PULL_BACKOFF_MAX_MS);
    }
    return false;
  }

  private createOptions(run: PodRun, c: ContainerRun): Docker.ContainerCreateOptions {
    const pod = this.store.get<Pod>("pods", run.namespace, run.name);
    const fieldValues: Record<string, string> = {
      "metadata.name": run.name,
      "metadata.namespace": run.namespace,
      "metadata.uid": run.uid,
      "spec.nodeName": NODE_NAME,
      "spec.serviceAccountName": String(pod?.spec.serviceAccountName ?? "default"),
    };
    // Only fieldRef can be resolved here; other sources (secrets, config maps) become empty strings.
    const env = (c.spec.env ?? []).map((e) => {
      const fieldPath = (e.valueFrom as { fieldRef?: { fieldPath?: string } } | undefined)?.fieldRef
        ?.fieldPath;
      const value = e.value ?? (fieldPath ? fieldValues[fieldPath] : undefined) ?? "";
      return `${e.name}=${value}`;
    });
    const memory = parseQuantity(c.spec.resources?.limits?.memory);
    return {
      name: `k8s_${c.spec.name}_${run.name}_${run.namespace}_${run.uid}_${c.status.restartCount}`,
      Image: pullReference(c.spec.image ?? ""),
      Hostname: run.name.slice(0, 63),
      ...(c.spec.command ? { Entrypoint: c.spec.command } : {}),
      ...(c.spec.args ? { Cmd: c.spec.args } : {}),
      Env: env,
      ...(c.spec.workingDir ? { WorkingDir: c.spec.workingDir } : {}),
      Labels: {
        [SERVER_LABEL]: this.serverId,
        "io.kubernetes.pod.name": run.name,
        "io.kubernetes.pod.namespace": run.namespace,
        "io.kubernetes.pod.uid": run.uid,
        "io.kubernetes.container.name": c.spec.name,
      },
      HostConfig: memory ? { Memory: memory, MemorySwap: memory } : {},
    };
  }

  private async startContainer(run: PodRun, c: ContainerRun): Promise<void> {
    let recorded!: () => void;
    c.exited = new Promise((resolve) => {
      recorded = resolve;
    });
    try {
      const container = await this.docker.createContainer(this.createOptions(run, c));
      c.dockerId = container.id;
      this.podEvent(run, "Normal", "Created", `Created container ${c.spec.name}`);
      try {
        await container.start();
      } catch (error) {
        // An executable that cannot be run: the kubelet reports the attempt as terminated with 128.
        const now = timestamp();
        c.status = {
          ...c.status,
          containerID: `docker://${container.id}`,
          ready: false,
          started: false,
          state: {
            terminated: {
              exitCode: 128,
              reason: "StartError",
              message: errorMessage(error),
              startedAt: now,
              finishedAt: now,
              containerID: `docker://${container.id}`,
            },
          },
        };
        this.podEvent(run, "Warning", "Failed", `Error: ${errorMessage(error)}`);
        this.writeStatus(run);
        recorded();
        await this.afterExit(run, c, 128);
        return;
      }
      // A delete may have arrived while the container was being started.
      if (this.halted(run)) await this.killContainer(container.id);
      const info = await container.inspect();
      const network = Object.values(info.NetworkSettings?.Networks ?? {})[0];
      run.podIP ??= network?.IPAddress || undefined;
      if (network?.Gateway) run.hostIP = network.Gateway;
      c.status = {
        ...c.status,
        image: c.spec.image ?? "",
        imageID: await imageId(this.docker, c.spec.image ?? ""),
        containerID: `docker://${container.id}`,
        ready: info.State.Running,
        started: info.State.Running,
        state: { running: { startedAt: dockerTime(info.State.StartedAt) } },
      };
      this.podEvent(run, "Normal", "Started", `Started container ${c.spec.name}`);
      if (info.State.Running && run.evictionMessage === undefined) this.writeStatus(run);
      await container.wait();
      const done = await container.inspect();
      const exitCode = done.State.ExitCode;
      c.status = {
        ...c.status,
        ready: false,
        started: false,
        state: {
          terminated: {
            exitCode,
            reason: done.State.OOMKilled ? "OOMKilled" : exitCode === 0 ? "Completed" : "Error",
            startedAt: dockerTime(done.State.StartedAt),
            finishedAt: dockerTime(done.State.FinishedAt),
            containerID: `docker://${container.id}`,
          },
        },
      };
      const delay = this.statusDelayMs();
      if (delay !== null) await this.sleep(run, delay);
      // An evicted pod's status is written once, by evict(), without exit codes.
      if (run.evictionMessage === undefined) this.writeStatus(run);
      recorded();
      await this.afterExit(run, c, exitCode);
    } finally {
      recorded();
    }
  }

  /** Restarts the container in place when the pod's restartPolicy asks for it. */
  private async afterExit(run: PodRun, c: ContainerRun, exitCode: number): Promise<void> {
    const restart = run.restartPolicy === "Always" || (run.restartPolicy === "OnFailure" && exitCode !== 0);
    if (!restart || this.halted(run)) return;
    const lastState = c.status.state;
    c.status = {
      ...c.status,
      lastState,
      restartCount: c.status.restartCount + 1,
      state: {
        waiting: {
          reason: "CrashLoopBackOff",
          message: `back-off 1s restarting failed container=${c.spec.name} pod=${run.name}_${run.namespace}(${run.uid})`,
        },
      },
    };
    this.writeStatus(run);
    this.podEvent(run, "Warning", "BackOff", "Back-off restarting failed container");
    await this.sleep(run, RESTART_DELAY_MS);
    if (this.halted(run)) return;
    if (c.previousDockerId) await this.removeContainer(c.previousDockerId);
    c.previousDockerId = c.dockerId;
    await this.startContainer(run, c);
  }

  private async terminate(pod: Pod): Promise<void> {
    const run = this.runs.get(pod.metadata.uid);
    if (!run || run.stopping) return;
    run.stopping = true;
    this.wake(run);
    const grace = pod.metadata.deletionGracePeriodSeconds ?? 30;
    await Promise.all(
      run.containers.map(async (c) => {
        if (!c.dockerId || !c.status.state.running) return;
        this.podEvent(run, "Normal", "Killing", `Stopping container ${c.spec.name}`);
        await this.stopContainer(c.dockerId, grace);
      }),
    );
    await Promise.all(run.containers.map((c) => c.exited));
    this.writeStatus(run);
    this.store.remove("pods", run.namespace, run.name);
    await this.cleanUp(run);
  }

  /** The pod left the store without a graceful stop (unscheduled, finished or force-deleted). */
  private async forget(pod: Pod): Promise<void> {
    const run = this.runs.get(pod.metadata.uid);
    if (!run) return;
    if (run.stopping) return;
    run.stopping = true;
    this.wake(run);
    await Promise.all(run.containers.map((c) => this.killContainer(c.dockerId)));
    await Promise.all(run.containers.map((c) => c.exited));
    await this.cleanUp(run);
  }

  private async cleanUp(run: PodRun): Promise<void> {
    this.runs.delete(run.uid);
    await Promise.all(
      run.containers.flatMap((c) => [c.dockerId, c.previousDockerId]).map((id) => this.removeContainer(id)),
    );
  }

  private async stopContainer(id: string, graceSeconds: number): Promise<void> {
    try {
      await this.docker.getContainer(id).stop({ t: graceSeconds });
    } catch {
      // Already stopped (304) or gone (404): either way it no longer runs.
    }
  }

  private async killContainer(id: string | undefined): Promise<void> {
    if (!id) return;
    try {
      await this.docker.getContainer(id).kill();
    } catch {
      // Not running (409) or gone (404): either way it no longer runs.
    }
  }

  private async removeContainer(id: string | undefined): Promise<void> {
    if (!id) return;
    try {
      await this.docker.getContainer(id).remove({ force: true });
    } catch {
      // Already removed.
    }
  }

  private writeStatus(run: PodRun, evicted = false): void {
    if (this.stopped) return;
    this.store.update<Pod>("pods", run.namespace, run.name, (p) => {
      p.status = evicted ? this.evictedStatus(run, p) : this.computeStatus(run, p);
    });
  }

  private computeStatus(run: PodRun, pod: Pod): PodStatus {
    if (!run.scheduled) {
      return {
        phase: "Pending",
        conditions: [
          condition(
            pod,
            "PodScheduled",
            "False",
            "Unschedulable",
            "0/1 nodes are available: 1 node(s) were unschedulable.",
          ),
        ],
        qosClass: "BestEffort",
      };
    }
    const statuses = run.containers.map((c) => c.status);
    const allTerminated = statuses.every((s) => s.state.terminated);
    const allSucceeded = statuses.every((s) => s.state.terminated?.exitCode === 0);
    let phase: PodStatus["phase"] = "Running";
    if (statuses.some((s) => s.state.waiting && s.restartCount === 0)) phase = "Pending";
    else if (allTerminated && (run.stopping || run.restartPolicy === "Never"))
      phase = allSucceeded ? "Succeeded" : "Failed";
    else if (allTerminated && run.restartPolicy === "OnFailure" && allSucceeded) phase = "Succeeded";
    const finished = phase === "Succeeded" || phase === "Failed";
    const notReady = statuses.filter((s) => !s.ready).map((s) => s.name);
    const ready: [Condition["status"], string | undefined, string | undefined] =
      notReady.length === 0
        ? ["True", undefined, undefined]
        : finished
          ? ["False", "PodCompleted", undefined]
          : ["False", "ContainersNotReady", `containers with unready status: [${notReady.join(" ")}]`];
    return {
      phase,
      conditions: [
        condition(pod, "PodReadyToStartContainers", "True"),
        condition(pod, "Initialized", "True"),
        condition(pod, "Ready", ...ready),
        condition(pod, "ContainersReady", ...ready),
        condition(pod, "PodScheduled", "True"),
        ...foreignConditions(pod),
      ],
      ...this.addresses(run),
      containerStatuses: statuses,
      qosClass: "BestEffort",
    };
  }

  /** An evicted pod keeps no exit code: its containers were killed by the node, not ended by themselves. */
  private evictedStatus(run: PodRun, pod: Pod): PodStatus {
    const message = run.evictionMessage ?? "";
    return {
      phase: "Failed",
      reason: "Evicted",
      message,
      conditions: [
        condition(pod, "DisruptionTarget", "True", "TerminationByKubelet", message),
        condition(pod, "PodReadyToStartContainers", "False"),
        condition(pod, "Initialized", "True"),
        condition(pod, "Ready", "False", "PodFailed"),
        condition(pod, "ContainersReady", "False", "PodFailed"),
        condition(pod, "PodScheduled", "True"),
      ],
      ...this.addresses(run),
      containerStatuses: run.containers.map((c) => ({
        ...c.status,
        ready: false,
        started: false,
        state: {},
      })),
      qosClass: "BestEffort",
    };
  }

  private addresses(run: PodRun): Partial<PodStatus> {
    return {
      ...(run.hostIP ? { hostIP: run.hostIP, hostIPs: [{ ip: run.hostIP }] } : {}),
      ...(run.podIP ? { podIP: run.podIP, podIPs: [{ ip: run.podIP }] } : {}),
      ...(run.startTime ? { startTime: run.startTime } : {}),
    };
  }
}

const KUBELET_CONDITIONS = new Set([
  "PodScheduled",
  "PodReadyToStartContainers",
  "Initialized",
  "Ready",
  "ContainersReady",
]);

/** Conditions other components set (DisruptionTarget from the eviction API) survive kubelet updates. */
function foreignConditions(pod: Pod): Condition[] {
  return (pod.status.conditions ?? []).filter((c) => !KUBELET_CONDITIONS.has(c.type));
}

/** A condition keeping its lastTransitionTime while its status does not change. */
export function condition(
  pod: { status?: { conditions?: Condition[] } },
  type: string,
  status: Condition["status"],
  reason?: string,
  message?: string,
): Condition {
  const previous = pod.status?.conditions?.find((c) => c.type === type);
  return {
    type,
    status,
    lastProbeTime: null,
    lastTransitionTime:
      previous && previous.status === status && previous.lastTransitionTime
        ? previous.lastTransitionTime
        : timestamp(),
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  };
}
