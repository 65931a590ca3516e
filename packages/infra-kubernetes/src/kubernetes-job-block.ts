import {
  type BlockConfig,
  type BlockInput,
  type BlockProblem,
  defineBlockType,
  type Infrastructure,
  infrastructureFields,
  isInfrablocksError,
  nestedBlock,
  RUN_INFRASTRUCTURE,
  z,
} from "@infrablocks/core";
import packageJson from "../package.json" with { type: "json" };
import { kubernetesJobFromPrefect } from "./prefect-import.js";
import { baseJobManifest, baseManifestProblem, buildJobManifest, shortcutConflicts } from "./job-manifest.js";
import { operationProblem, parsePointer } from "./json-patch.js";
import { kubernetesClusterConfigBlockType } from "./kubernetes-cluster-config-block.js";
import { kubernetesLabels } from "./labels.js";
import { parseYamlText } from "./yaml-text.js";
import validate from "./validators/kubernetes-job.js";

/** A DNS-1123 label, as Kubernetes requires of namespaces. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A DNS-1123 subdomain, as Kubernetes requires of service account names and host names. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const pointer = z.string().superRefine((value, context) => {
  try {
    parsePointer(value);
  } catch (error) {
    context.addIssue({ code: "custom", message: (error as Error).message });
  }
});

// An unknown op or a missing value/from is named, not "Invalid input"; a missing value passes the
// union (z.unknown() accepts undefined), so it is checked after it too.
const patchOperation = z
  .discriminatedUnion(
    "op",
    [
      z.object({ op: z.enum(["add", "replace", "test"]), path: pointer, value: z.unknown() }).strict(),
      z.object({ op: z.literal("remove"), path: pointer }).strict(),
      z.object({ op: z.enum(["move", "copy"]), from: pointer, path: pointer }).strict(),
    ],
    { error: (issue) => operationProblem(issue.input) },
  )
  .superRefine((operation, context) => {
    const problem = operationProblem(operation);
    if (problem !== undefined) context.addIssue({ code: "custom", message: problem });
  });

const patchList = z.array(patchOperation);

/** A list's problems, one clause each, as `operation N: message`; a malformed shape is named first. */
function listProblems(list: unknown[]): string | undefined {
  const result = patchList.safeParse(list);
  if (result.success) return undefined;
  const clauses = new Map<number, string>();
  for (const issue of result.error.issues) {
    const [index, ...rest] = issue.path;
    if (typeof index !== "number" || clauses.has(index)) continue;
    const where = rest.length > 0 ? ` ${rest.join(".")}` : "";
    clauses.set(index, operationProblem(list[index]) ?? `${where.trim() || "it"}: ${issue.message}`);
  }
  return [...clauses].map(([index, clause]) => `operation ${index}: ${clause}`).join("; ");
}

/**
 * Customizations as a list, or as that list in JSON or YAML text (from a CLI flag or a file), which
 * is parsed here so that a bad text is reported at validation, with its own problems' paths.
 */
const customizations = z
  .union([patchList, z.string()], {
    // A failing union would say only "Invalid input"; a list's own problems are spelled out instead.
    error: (issue) => (Array.isArray(issue.input) ? listProblems(issue.input) : undefined),
  })
  .transform((value, context) => {
    if (typeof value !== "string") return value;
    let parsed: unknown;
    try {
      parsed = parseYamlText(value, "the customizations text");
    } catch (error) {
      context.addIssue({ code: "custom", message: (error as Error).message });
      return z.NEVER;
    }
    const result = patchList.safeParse(parsed);
    if (result.success) return result.data;
    for (const issue of result.error.issues) {
      context.addIssue({ code: "custom", path: issue.path, message: issue.message });
    }
    return z.NEVER;
  });

const jobFields = {
  ...infrastructureFields,
  image: z.string().min(1).optional().meta({
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
  job: z
    .record(z.string(), z.unknown())
    .superRefine((job, context) => {
      const problem = baseManifestProblem(job);
      if (problem) context.addIssue({ code: "custom", message: problem });
    })
    .default(baseJobManifest)
    .meta({
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

const definition = defineBlockType({
  slug: "kubernetes-job",
  title: "Kubernetes Job",
  description:
    "Runs a command as a Kubernetes Job: builds the manifest from the base manifest, the shortcut fields and the customizations, creates it, streams the pod's logs and reports the exit code of its container.",
  capabilities: [RUN_INFRASTRUCTURE],
  version: packageJson.version,
  package: packageJson.name,
  fields: jobFields,
  validate,
  check: customizationProblems,
  fromPrefect: kubernetesJobFromPrefect,
  loadInfrastructure: async (): Promise<Infrastructure<KubernetesJobBlock>> =>
    (await import("./kubernetes-job-runtime.js")).kubernetesJobInfrastructure,
});

/**
 * `validate` means runnable: the customizations are applied to the effective manifest, so a patch
 * that fails (`remove /spec/nothere`) is reported by its index here rather than at preview or run.
 */
function customizationProblems(config: KubernetesJobBlock): BlockProblem[] {
  // The schema already reported a `job` that lacks the base manifest.
  if (baseManifestProblem(config.job)) return [];
  try {
    buildJobManifest(config, {});
    return [];
  } catch (error) {
    if (!isInfrablocksError(error, "INVALID_DOCUMENT")) throw error;
    return error.issues.map((issue) => {
      const colon = issue.indexOf(": ");
      return { path: issue.slice(0, colon), message: issue.slice(colon + 2) };
    });
  }
}

/** The `kubernetes-job` block. */
export const kubernetesJobBlockType = {
  ...definition,
  schema: definition.schema.superRefine((block, context) => {
    // The field-level check already reported a `job` that lacks the base manifest.
    if (baseManifestProblem(block.job)) return;
    for (const conflict of shortcutConflicts(block)) {
      context.addIssue({ code: "custom", path: [conflict.field], message: conflict.message });
    }
    for (const key of kubernetesLabels(block.labels).invalid) {
      context.addIssue({
        code: "custom",
        path: ["labels", key],
        message: "nothing of this key is a valid Kubernetes label name (letters, digits, '-', '_', '.')",
      });
    }
  }),
};

/** A `kubernetes-job` document as written in TypeScript: defaulted fields (and `type`) optional. */
export type KubernetesJobBlockInput = BlockInput<typeof kubernetesJobBlockType>;
