// Zod-free: the `kubernetes-cluster-config` checks the exported schema cannot state, as the type's `check`.
import type { BlockProblem } from "@infrablocks/core/runtime";
import { contextNames, contextProblem, contextUserProblems, kubeconfigObject } from "./kubeconfig.js";
import type { KubernetesClusterConfigBlock } from "./kubernetes-cluster-config-block.js";

/**
 * The kubeconfig must read as a mapping, the context to use must be one it defines, and that context's
 * user must be defined, with fields the client applies.
 */
export function clusterConfigProblems(config: KubernetesClusterConfigBlock): BlockProblem[] {
  let kubeconfig: Record<string, unknown>;
  try {
    kubeconfig = kubeconfigObject(config.config);
  } catch (error) {
    return [{ path: "config", message: (error as Error).message }];
  }
  const problem = contextProblem(kubeconfig, config.contextName);
  if (problem) {
    // A kubeconfig without contexts is the config's problem, not the choice among them.
    return [{ path: contextNames(kubeconfig).length === 0 ? "config" : "contextName", message: problem }];
  }
  return contextUserProblems(kubeconfig, config.contextName).map(({ path, message }) => ({
    path: `config.${path}`,
    message,
  }));
}
