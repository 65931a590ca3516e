export { DEFAULT_BUSYBOX_TAG, ensureBusyboxImage } from "./busybox-image.js";
export type { RequestRecord } from "./exchange.js";
export type { KubeFaults, LogCut } from "./faults.js";
export { type KubeTestServer, type StartKubeTestServerOptions, startKubeTestServer } from "./server.js";
