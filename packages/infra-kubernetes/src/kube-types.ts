/** The parts of Kubernetes objects the runner reads, as they arrive over the wire (JSON). */

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: { exitCode?: number; reason?: string; message?: string; signal?: number };
}

export interface ContainerStatus {
  name: string;
  state?: ContainerState;
  restartCount?: number;
}

export interface Pod {
  metadata: ObjectMeta;
  status?: {
    phase?: string;
    reason?: string;
    message?: string;
    conditions?: Condition[];
    containerStatuses?: ContainerStatus[];
  };
}

export interface Job {
  metadata: ObjectMeta;
  spec?: { backoffLimit?: number };
  status?: {
    conditions?: Condition[];
    completionTime?: string;
    succeeded?: number;
    failed?: number;
  };
}

export interface KubeList<T> {
  metadata: { resourceVersion?: string };
  items: T[];
}

export function jobsPath(namespace: string, name?: string): string {
  const base = `/apis/batch/v1/namespaces/${encodeURIComponent(namespace)}/jobs`;
  return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
}

export function podsPath(namespace: string): string {
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`;
}

export function podLogPath(namespace: string, pod: string): string {
  return `${podsPath(namespace)}/${encodeURIComponent(pod)}/log`;
}
