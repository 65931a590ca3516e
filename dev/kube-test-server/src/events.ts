import { randomBytes } from "node:crypto";
import { newUid, timestamp } from "./meta.js";
import type { Store } from "./store.js";
import type { KubeObject } from "./types.js";

/** Events are kept like the apiserver's short event TTL: only the most recent ones. */
const MAX_EVENTS = 1000;

export const NODE_NAME = "kube-test-node";

/** Writes core/v1 Events about pods and jobs, as the kubelet and the job controller report them. */
export class EventRecorder {
  private readonly names: { namespace: string; name: string }[] = [];

  constructor(private readonly store: Store) {}

  record(
    involved: KubeObject,
    type: "Normal" | "Warning",
    reason: string,
    message: string,
    component: "kubelet" | "job-controller" | "default-scheduler",
  ): void {
    const namespace = involved.metadata.namespace ?? "default";
    const name = `${involved.metadata.name}.${randomBytes(8).toString("hex")}`;
    const now = timestamp();
    this.store.create("events", {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name, namespace, uid: newUid(), resourceVersion: "", creationTimestamp: now },
      involvedObject: {
        apiVersion: involved.apiVersion,
        kind: involved.kind,
        namespace,
        name: involved.metadata.name,
        uid: involved.metadata.uid,
        resourceVersion: involved.metadata.resourceVersion,
      },
      reason,
      message,
      source: component === "kubelet" ? { component, host: NODE_NAME } : { component },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: component,
      reportingInstance: component === "kubelet" ? NODE_NAME : "",
    });
    this.names.push({ namespace, name });
    if (this.names.length > MAX_EVENTS) {
      const oldest = this.names.shift();
      if (oldest) this.store.remove("events", oldest.namespace, oldest.name);
    }
  }
}
