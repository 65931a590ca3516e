/** The minimal discovery documents clients read before talking to the API. */

export const VERSION_INFO = {
  major: "1",
  minor: "31",
  gitVersion: "v1.31.0-infrablocks",
  gitCommit: "0000000000000000000000000000000000000000",
  gitTreeState: "clean",
  buildDate: "2024-08-13T00:00:00Z",
  goVersion: "go1.22.5",
  compiler: "gc",
  platform: "linux/amd64",
};

function resource(name: string, kind: string, namespaced: boolean, verbs: string[], group?: string) {
  return { name, singularName: "", namespaced, ...(group ? { group } : {}), kind, verbs };
}

export function coreGroupVersions(serverAddress: string) {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
  };
}

export const CORE_V1_RESOURCES = {
  kind: "APIResourceList",
  groupVersion: "v1",
  resources: [
    resource("namespaces", "Namespace", false, ["create", "get", "list", "watch"]),
    resource("pods", "Pod", true, ["delete", "get", "list", "watch"]),
    resource("pods/eviction", "Eviction", true, ["create"], "policy"),
    resource("pods/log", "Pod", true, ["get"]),
    resource("pods/status", "Pod", true, ["get"]),
    resource("events", "Event", true, ["get", "list", "watch"]),
  ],
};

const BATCH_VERSION = { groupVersion: "batch/v1", version: "v1" };

const BATCH = { name: "batch", versions: [BATCH_VERSION], preferredVersion: BATCH_VERSION };

export const BATCH_GROUP = { kind: "APIGroup", apiVersion: "v1", ...BATCH };

export const API_GROUPS = { kind: "APIGroupList", apiVersion: "v1", groups: [BATCH] };

export const BATCH_V1_RESOURCES = {
  kind: "APIResourceList",
  apiVersion: "v1",
  groupVersion: "batch/v1",
  resources: [
    resource("jobs", "Job", true, ["create", "delete", "get", "list", "watch"]),
    resource("jobs/status", "Job", true, ["get"]),
  ],
};
