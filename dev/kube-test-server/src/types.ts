/** Wire shapes of the Kubernetes objects this server stores: the subset it reads or writes. */

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  generateName?: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  generation?: number;
  creationTimestamp: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: unknown;
}

export interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  workingDir?: string;
  imagePullPolicy?: "Always" | "IfNotPresent" | "Never";
  resources?: { limits?: Record<string, string | number>; requests?: Record<string, string | number> };
  [key: string]: unknown;
}

export interface PodSpec {
  containers: Container[];
  restartPolicy?: "Always" | "OnFailure" | "Never";
  terminationGracePeriodSeconds?: number;
  nodeName?: string;
  [key: string]: unknown;
}

export interface Condition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason?: string;
  message?: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string;
}

export interface ContainerState {
  waiting?: { reason: string; message?: string };
  running?: { startedAt: string };
  terminated?: {
    exitCode: number;
    reason: string;
    message?: string;
    startedAt: string;
    finishedAt: string;
    containerID?: string;
  };
}

export interface ContainerStatus {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  ready: boolean;
  started: boolean;
  restartCount: number;
  state: ContainerState;
  lastState: ContainerState;
}

export interface PodStatus {
  phase: "Pending" | "Running" | "Succeeded" | "Failed" | "Unknown";
  reason?: string;
  message?: string;
  conditions?: Condition[];
  containerStatuses?: ContainerStatus[];
  hostIP?: string;
  hostIPs?: { ip: string }[];
  podIP?: string;
  podIPs?: { ip: string }[];
  startTime?: string;
  qosClass?: string;
}

export interface Pod extends KubeObject {
  spec: PodSpec;
  status: PodStatus;
}

export interface JobSpec {
  template: {
    metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
    spec: PodSpec;
  };
  backoffLimit?: number;
  completions?: number;
  parallelism?: number;
  activeDeadlineSeconds?: number;
  ttlSecondsAfterFinished?: number;
  [key: string]: unknown;
}

export interface JobStatus {
  startTime?: string;
  completionTime?: string;
  active?: number;
  succeeded?: number;
  failed?: number;
  ready?: number;
  conditions?: Condition[];
}

export interface Job extends KubeObject {
  spec: JobSpec;
  status: JobStatus;
}

/** What the router knows about each resource type it serves. */
export interface ResourceType {
  plural: string;
  kind: string;
  apiVersion: string;
  group: string;
  namespaced: boolean;
}

export const RESOURCES = {
  namespaces: { plural: "namespaces", kind: "Namespace", apiVersion: "v1", group: "", namespaced: false },
  pods: { plural: "pods", kind: "Pod", apiVersion: "v1", group: "", namespaced: true },
  events: { plural: "events", kind: "Event", apiVersion: "v1", group: "", namespaced: true },
  jobs: { plural: "jobs", kind: "Job", apiVersion: "batch/v1", group: "batch", namespaced: true },
} as const satisfies Record<string, ResourceType>;

export type ResourceName = keyof typeof RESOURCES;
