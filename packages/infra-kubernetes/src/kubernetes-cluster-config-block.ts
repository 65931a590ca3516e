import { type BlockConfig, type BlockInput, defineBlockType, secret, z } from "@infrablocks/core";
import packageJson from "../package.json" with { type: "json" };
import { clusterConfigFromPrefect } from "./prefect-import.js";
import { clusterConfigProblems } from "./cluster-config-checks.js";
import validate from "./validators/kubernetes-cluster-config.js";

const clusterConfigFields = {
  config: secret(z.union([z.record(z.string(), z.unknown()), z.string().min(1)]), {
    title: "Kubeconfig",
    description:
      "The entire contents of a kubeconfig file, as an object or as YAML text. Secret as a whole: it holds tokens and keys.",
  }),
  contextName: z.string().min(1).optional().meta({
    title: "Context Name",
    description: "The kubeconfig context to use. Unset: the kubeconfig's current-context.",
  }),
};

export type KubernetesClusterConfigBlock = BlockConfig<
  "kubernetes-cluster-config",
  typeof clusterConfigFields
>;

/** The `kubernetes-cluster-config` block: a kubeconfig (secret) and a context that must exist in it. */
export const kubernetesClusterConfigBlockType = defineBlockType({
  slug: "kubernetes-cluster-config",
  title: "Kubernetes Cluster Config",
  description:
    "Where and how to reach a Kubernetes cluster: a kubeconfig and the context to use. Each run builds its own client from it.",
  capabilities: [],
  version: packageJson.version,
  package: packageJson.name,
  fields: clusterConfigFields,
  validate,
  check: clusterConfigProblems,
  fromPrefect: clusterConfigFromPrefect,
});

/** A `kubernetes-cluster-config` document as written in TypeScript: defaulted fields (and `type`) optional. */
export type KubernetesClusterConfigBlockInput = BlockInput<typeof kubernetesClusterConfigBlockType>;
