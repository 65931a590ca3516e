import { InfrablocksError } from "@infrablocks/core/runtime";
import { KubeApiError, type KubeClient } from "./kube-client.js";
import { jobsPath } from "./kube-types.js";

/**
 * Deletes a job and, in the background, its pods. The options go in the request body, where every
 * apiserver version reads them (reliability.md K9). Resolves "not-found" on 404.
 */
export async function deleteJob(
  client: KubeClient,
  namespace: string,
  name: string,
  gracePeriodSeconds?: number,
): Promise<"deleted" | "not-found"> {
  const body = {
    kind: "DeleteOptions",
    apiVersion: "v1",
    propagationPolicy: "Background",
    ...(gracePeriodSeconds !== undefined ? { gracePeriodSeconds } : {}),
  };
  try {
    await client.request("DELETE", jobsPath(namespace, name), { body });
    return "deleted";
  } catch (error) {
    if (error instanceof KubeApiError && error.status === 404) return "not-found";
    throw error;
  }
}

/** An INFRASTRUCTURE_ERROR for a failed API call, its message scrubbed, with a hint for RBAC denials. */
export function apiFailure(client: KubeClient, what: string, error: unknown): InfrablocksError {
  if (error instanceof InfrablocksError) return error;
  const hint =
    error instanceof KubeApiError && error.status === 403
      ? " The credentials lack a permission: see the RBAC Role in the @infrablocks/infra-kubernetes README."
      : "";
  return new InfrablocksError("INFRASTRUCTURE_ERROR", `${what}: ${client.describe(error)}${hint}`, {
    blockType: "kubernetes-job",
  });
}
