import {
  type BlockConfig,
  type BlockInput,
  defineBlockType,
  type Infrastructure,
  infrastructureFields,
  NO_NUL_BYTE,
  nestedBlock,
  RUN_INFRASTRUCTURE,
  z,
} from "@infrablocks/core";
import packageJson from "../package.json" with { type: "json" };
import { pointerProblems } from "./customizations.js";
import { kubernetesJobFromPrefect } from "./prefect-import.js";
import { baseJobManifest } from "./job-manifest.js";
import { kubernetesJobProblems } from "./job-checks.js";
import { operationProblem, type PatchOperation } from "./json-patch.js";
import { kubernetesClusterConfigBlockType } from "./kubernetes-cluster-config-block.js";
import validate from "./validators/kubernetes-job.js";

/** A DNS-1123 label, as Kubernetes requires of namespaces. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A DNS-1123 subdomain, as Kubernetes requires of service account names and host names. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

// The pointers, the customizations text, the base manifest, the fields that contradict it and the
// labels are checked by kubernetesJobProblems (the type's `check`), not by refinements or a transform:
// the schema stays plain JSON Schema, so the compiled validator decides alone.

// An unknown op or a missing from is named, not "Invalid input".
const patchOperation = z.discriminatedUnion(
  "op",
  [
    z.object({ op: z.enum(["add", "replace", "test"]), path: z.string(), value: z.unknown() }).strict(),
    z.object({ op: z.literal("remove"), path: z.string() }).strict(),
    z.object({ op: z.enum(["move", "copy"]), from: z.string(), path: z.string() }).strict(),
  ],
  { error: (issue) => operationProblem(issue.input) },
);

const patchList = z.array(patchOperation);

/**
 * A list's problems, one clause each, as `operation N: message`; a malformed shape is named first,
 * then a bad pointer (so that a rejected list names all of its operations' problems at once).
 */
function listProblems(list: unknown[]): string | undefined {
  const result = patchList.safeParse(list);
  if (result.success) return undefined;
  const clauses = new Map<number, string>();
  for (const issue of result.error.issues) {
    const [index, ...rest] = issue.path;
    if (typeof index !== "number" || clauses.has(index)) continue;
    const where = rest.length > 0 ? ` ${rest.join(".")}` : "";
    const clause = operationProblem(list[index]) ?? pointerClause(list[index]);
    clauses.set(index, clause ?? `${where.trim() || "it"}: ${issue.message}`);
  }
  list.forEach((operation, index) => {
    const clause = clauses.has(index) || operationProblem(operation) ? undefined : pointerClause(operation);
    if (clause) clauses.set(index, clause);
  });
  return [...clauses]
    .sort(([a], [b]) => a - b)
    .map(([index, clause]) => `operation ${index}: ${clause}`)
    .join("; ");
}

/** `path: problem` for the first bad pointer of an operation of the right shape, if it has one. */
function pointerClause(operation: unknown): string | undefined {
  const [problem] = pointerProblems(operation as PatchOperation, 0);
  return problem ? `${problem.path.split(".").pop()}: ${problem.message}` : undefined;
}

/**
 * Customizations as a list, or as that list in JSON or YAML text (from a CLI flag or a file); the
 * text is kept as written, checked by the type's check and parsed where the manifest is built.
 */
const customizations = z.union([patchList, z.string()], {
  // A failing union would say only "Invalid input"; a list's own problems are spelled out instead.
  error: (issue) => (Array.isArray(issue.input) ? listProblems(issue.input) : undefined),
});

const jobFields = {
  ...infrastructureFields,
  image: z.string().min(1).regex(NO_NUL_BYTE, "an image reference holds no NUL byte").optional().meta({
    description:
      "The image of the job's container. Fills the manifest's containers[0].image when the manifest leaves it out; required to run unless the manifest sets it.",
  }),
  namespace: z
    .string()
    .regex(DNS_LABEL, "a namespace is a DNS label: lowercase letters, digits and dashes")
    .max(63)
    .optional()
    .meta({
      description:
        'The namespace to create the job in and the only one kill accepts. Unset: the manifest\'s metadata.namespace, else "default".',
    }),
  serviceAccountName: z
    .string()
    .regex(DNS_SUBDOMAIN, "a service account name is a DNS subdomain")
    .max(253)
    .optional()
    .meta({
      title: "Service Account Name",
      description:
        "The service account the pod runs as; fills the manifest's spec.template.spec.serviceAccountName.",
    }),
  imagePullPolicy: z.enum(["IfNotPresent", "Always", "Never"]).optional().meta({
    description:
      "When the kubelet pulls the image. Unset: Kubernetes' default (Always for an untagged or :latest image, else IfNotPresent).",
  }),
  clusterConfig: nestedBlock(kubernetesClusterConfigBlockType, {
    title: "Cluster Config",
    description:
      "The cluster to run in. Unset: the in-cluster service account when running in a pod, else KUBECONFIG or ~/.kube/config.",
  }).optional(),
  job: z.record(z.string(), z.unknown()).default(baseJobManifest).meta({
    title: "Base Job Manifest",
    description:
      "The Job manifest to start from. It must contain the base manifest (batch/v1 Job, restartPolicy Never, a first container named infrablocks-job with an env list) and may add anything else.",
  }),
  customizations: customizations.default([]).meta({
    description:
      "An RFC 6902 JSON Patch applied to the manifest after the shortcut fields: a list of operations, or that list as JSON or YAML text.",
  }),
  jobWatchTimeoutSeconds: z.number().int().positive().optional().meta({
    title: "Job Watch Timeout Seconds",
    description:
      "Seconds the job may take in all, from its creation. When they run out the job is deleted and the run reports -1. Unset: no limit.",
  }),
  podWatchTimeoutSeconds: z.number().int().positive().default(60).meta({
    title: "Pod Watch Timeout Seconds",
    description:
      "Seconds the job's first pod may take to start (be scheduled and pull its image). When they run out the job is deleted and the run reports -1.",
  }),
  finishedJobTtl: z.number().int().nonnegative().optional().meta({
    title: "Finished Job TTL",
    description:
      "Seconds Kubernetes keeps the job after it finishes before deleting it (spec.ttlSecondsAfterFinished). Unset: kept until deleted.",
  }),
  backoffLimit: z.number().int().nonnegative().default(0).meta({
    description:
      "How many times a failed pod is retried before the job fails; fills spec.backoffLimit when the manifest leaves it out. Default 0: a failing command fails the run at once, as with the other infrastructures (Kubernetes' own default is 6).",
  }),
  apiDnsName: z
    .string()
    .regex(DNS_SUBDOMAIN, "a DNS name: lowercase letters, digits, dashes and dots")
    .optional()
    .meta({
      title: "API DNS Name",
      description:
        "The in-cluster DNS name of the API the job talks back to (e.g. infrablocks-api.infrablocks.svc.cluster.local). When set, an INFRABLOCKS_API_URL inherited from the caller that points at localhost or 127.0.0.1 is rewritten to this host; one set in env is left alone.",
    }),
};

export type KubernetesJobBlock = BlockConfig<"kubernetes-job", typeof jobFields>;

/** The `kubernetes-job` block. */
export const kubernetesJobBlockType = defineBlockType({
  slug: "kubernetes-job",
  title: "Kubernetes Job",
  description:
    "Runs a command as a Kubernetes Job: builds the manifest from the base manifest, the shortcut fields and the customizations, creates it, streams the pod's logs and reports the exit code of its container.",
  capabilities: [RUN_INFRASTRUCTURE],
  version: packageJson.version,
  package: packageJson.name,
  fields: jobFields,
  validate,
  check: kubernetesJobProblems,
  fromPrefect: kubernetesJobFromPrefect,
  loadInfrastructure: async (): Promise<Infrastructure<KubernetesJobBlock>> =>
    (await import("./kubernetes-job-runtime.js")).kubernetesJobInfrastructure,
});

/** A `kubernetes-job` document as written in TypeScript: defaulted fields (and `type`) optional. */
export type KubernetesJobBlockInput = BlockInput<typeof kubernetesJobBlockType>;
