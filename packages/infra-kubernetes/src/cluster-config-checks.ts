// Zod-free: the `kubernetes-cluster-config` checks the exported schema cannot state, as the type's `check`.
import type { BlockProblem } from "@infrablocks/core/runtime";
import { contextProblem, kubeconfigObject } from "./kubeconfig.js";
import type { KubernetesClusterConfigBlock } from "./kubernetes-cluster-config-block.js";

/** The kubeconfig must read as a mapping, and the context to use must be one it defines. */
export function clusterConfigProblems(config: KubernetesClusterConfigBlock): BlockProblem[] {
  let kubeconfig: Record<string, unknown>;
  try {
    kubeconfig = kubeconfigObject(config.config);
  } catch (error) {
    return [{ path: "config", message: (error as Error).message }];
  }
  const problem = contextProblem(kubeconfig, config.contextName);
  return problem ? [{ path: "contextName", message: problem }] : [];
}
