import {
  convertPrefectFields,
  type PrefectImport,
  prefectImageRule,
  prefectInfrastructureRules,
} from "@infrablocks/core";
import { PULL_POLICIES, type PullPolicy } from "./pull-policy.js";

/** Prefect's `ImagePullPolicy` enum values (Docker), spelled as Kubernetes does here. */
const PREFECT_PULL_POLICIES: Record<string, PullPolicy> = {
  IF_NOT_PRESENT: "IfNotPresent",
  ALWAYS: "Always",
  NEVER: "Never",
};

/** Prefect 2's `DockerContainer` block; its `image_registry` is converted by the docker-registry type. */
export const dockerContainerFromPrefect: PrefectImport = (data, context) =>
  convertPrefectFields(
    "docker-container",
    data,
    {
      ...prefectInfrastructureRules,
      image: prefectImageRule,
      image_pull_policy: (value, path, out) => {
        // Prefect's enum names, or the values already spelled as infrablocks spells them.
        const policy =
          typeof value === "string"
            ? (PREFECT_PULL_POLICIES[value] ?? PULL_POLICIES.find((known) => known === value))
            : undefined;
        if (!policy) {
          context.problem(
            path,
            `${JSON.stringify(value)} is not a pull policy (IF_NOT_PRESENT, ALWAYS, NEVER)`,
          );
          return;
        }
        out.imagePullPolicy = policy;
      },
      image_registry: async (value, path, out) => {
        const registry = await context.nested(value, "docker-registry", path);
        if (registry !== undefined) out.imageRegistry = registry;
      },
      networks: "networks",
      network_mode: "networkMode",
      auto_remove: "autoRemove",
      volumes: "volumes",
      mem_limit: "memLimit",
      memswap_limit: "memswapLimit",
      privileged: "privileged",
    },
    context,
  );
