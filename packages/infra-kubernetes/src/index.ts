import { kubernetesClusterConfigBlockType } from "./kubernetes-cluster-config-block.js";
import { kubernetesJobBlockType } from "./kubernetes-job-block.js";

export { customizationsFromFile, jobFromFile } from "./files.js";
export { baseJobManifest, MAIN_CONTAINER } from "./job-manifest.js";
export { clusterConfigFromFile } from "./kubeconfig.js";
export {
  type KubernetesClusterConfigBlock,
  type KubernetesClusterConfigBlockInput,
  kubernetesClusterConfigBlockType,
} from "./kubernetes-cluster-config-block.js";
export {
  type KubernetesJobBlock,
  type KubernetesJobBlockInput,
  kubernetesJobBlockType,
} from "./kubernetes-job-block.js";

/**
 * The block types this package defines, for registries. Typed by name so that the published .d.ts
 * names zod only through core's `z`: an inferred tuple would import `zod`, which this package does not declare.
 */
export const blockTypes: readonly [typeof kubernetesJobBlockType, typeof kubernetesClusterConfigBlockType] = [
  kubernetesJobBlockType,
  kubernetesClusterConfigBlockType,
];
