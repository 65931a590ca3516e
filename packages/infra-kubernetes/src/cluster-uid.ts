import { createHash } from "node:crypto";
import { InfrablocksError, type Logger } from "@infrablocks/core/runtime";
import { type KubeClient, KubeApiError } from "./kube-client.js";

/** Names the cluster when its kube-system namespace cannot be read (Prefect's PREFECT_KUBERNETES_CLUSTER_UID). */
export const CLUSTER_UID_VARIABLE = "INFRABLOCKS_KUBERNETES_CLUSTER_UID";

/** Every id this machine may have given the cluster, most authoritative first. */
export interface ClusterIds {
  /** The id a run puts in its identifier. */
  primary: string;
  /** All ids that name this cluster, so that kill accepts an identifier made elsewhere. */
  all: string[];
}

/**
 * The cluster's id: the uid of its `kube-system` namespace, as Prefect used. Where RBAC forbids that
 * read (Prefect #7842), the INFRABLOCKS_KUBERNETES_CLUSTER_UID variable, else an id derived from the
 * API server's address, with a warning; a missing permission never fails a run or a kill.
 */
export async function clusterIds(
  client: KubeClient,
  environment: Readonly<Record<string, string>>,
  log: Logger,
  signal?: AbortSignal,
): Promise<ClusterIds> {
  const fromEnvironment = environment[CLUSTER_UID_VARIABLE] || undefined;
  // The id is the first part of `<cluster uid>:<namespace>:<job name>`: a colon would make every
  // identifier of this machine malformed to kill.
  if (fromEnvironment?.includes(":")) {
    throw new InfrablocksError(
      "INFRASTRUCTURE_ERROR",
      `${CLUSTER_UID_VARIABLE} must not contain ':' (it is the first part of '<cluster uid>:<namespace>:<job name>'); set it to the cluster's uid, for example the uid of its kube-system namespace.`,
      { blockType: "kubernetes-job" },
    );
  }
  const fromServer = `server-${createHash("sha256").update(client.server).digest("hex").slice(0, 16)}`;
  const fallbacks = [fromEnvironment, fromServer].filter((id): id is string => id !== undefined);
  try {
    const namespace = await client.request<{ metadata?: { uid?: string } }>(
      "GET",
      "/api/v1/namespaces/kube-system",
      {
        ...(signal ? { signal } : {}),
      },
    );
    const uid = namespace?.metadata?.uid;
    if (uid) return { primary: uid, all: [uid, ...fallbacks] };
  } catch (error) {
    // An unreachable server is the failure itself, not a reason to fall back to another id.
    if (signal?.aborted || error instanceof InfrablocksError) throw error;
    const why =
      error instanceof KubeApiError && error.status === 403
        ? "reading the kube-system namespace is forbidden"
        : `the kube-system namespace cannot be read (${client.describe(error)})`;
    if (fromEnvironment) {
      log.info(`Identifying the cluster by ${CLUSTER_UID_VARIABLE} because ${why}.`);
    } else {
      log.warn(
        `Identifying the cluster by its API server address because ${why}; set ${CLUSTER_UID_VARIABLE} to the cluster's uid (or grant 'get' on namespaces) for stable identifiers.`,
      );
    }
  }
  return { primary: fallbacks[0] as string, all: fallbacks };
}
