// The `infrablocks.check` entry: what checking a `kubernetes-job` or `kubernetes-cluster-config` document
// takes, without evaluating the block types' zod schemas (kubernetes-job-block.ts,
// kubernetes-cluster-config-block.ts) or loading @kubernetes/client-node. A CLI test keeps it equal to
// blockChecker(blockType) for both.
import type { DocumentChecker, Infrastructure } from "@infrablocks/core/runtime";
import packageJson from "../package.json" with { type: "json" };
import { clusterConfigProblems } from "./cluster-config-checks.js";
import { kubernetesJobProblems } from "./job-checks.js";
import type { KubernetesClusterConfigBlock } from "./kubernetes-cluster-config-block.js";
import type { KubernetesJobBlock } from "./kubernetes-job-block.js";
import validateClusterConfig, {
  schemaFacts as clusterConfigFacts,
} from "./validators/kubernetes-cluster-config.js";
import validateJob, { schemaFacts as jobFacts } from "./validators/kubernetes-job.js";

export const kubernetesClusterConfigChecker: DocumentChecker<KubernetesClusterConfigBlock> = {
  ...clusterConfigFacts,
  package: packageJson.name,
  nestedBlocks: {},
  exact: true,
  validate: validateClusterConfig,
  check: clusterConfigProblems,
  loadBlockType: async () =>
    (await import("./kubernetes-cluster-config-block.js")).kubernetesClusterConfigBlockType,
};

export const kubernetesJobChecker: DocumentChecker<KubernetesJobBlock> = {
  ...jobFacts,
  package: packageJson.name,
  nestedBlocks: { clusterConfig: kubernetesClusterConfigChecker as DocumentChecker },
  exact: true,
  validate: validateJob,
  check: kubernetesJobProblems,
  loadInfrastructure: async (): Promise<Infrastructure<KubernetesJobBlock>> =>
    (await import("./kubernetes-job-runtime.js")).kubernetesJobInfrastructure,
  loadBlockType: async () => (await import("./kubernetes-job-block.js")).kubernetesJobBlockType,
};

/** The checkers of the block types this package defines, for `infrablocks.check`. */
export const documentCheckers: readonly DocumentChecker[] = [
  kubernetesJobChecker as DocumentChecker,
  kubernetesClusterConfigChecker as DocumentChecker,
];
