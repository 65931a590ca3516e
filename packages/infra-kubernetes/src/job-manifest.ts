import { API_URL_VARIABLE, InfrablocksError, isSecretVariableName, MASK } from "@infrablocks/core/runtime";
import { type Customizations, customizationList } from "./customizations.js";
import { generateJobName } from "./generate-name.js";
import { isRecord } from "./is-record.js";
import { applyPatch, PatchError, type PatchOperation } from "./json-patch.js";
import { kubernetesLabels, RUN_ID_LABEL, RUNNER_ANNOTATION } from "./labels.js";

/** A Job manifest as JSON. */
export type JobManifest = Record<string, unknown>;

/** One `env` entry of a container: a literal value or a reference (`valueFrom`). */
export interface EnvEntry {
  name: string;
  value?: string;
  valueFrom?: unknown;
}

/** The container the command runs in: logs are read and the exit code is taken from it alone. */
export const MAIN_CONTAINER = "infrablocks-job";

const BASE_JOB_MANIFEST = {
  apiVersion: "batch/v1",
  kind: "Job",
  metadata: { labels: {} },
  spec: {
    template: {
      spec: { restartPolicy: "Never", containers: [{ name: MAIN_CONTAINER, env: [] }] },
    },
  },
} as const;

/** A fresh copy of the base Job manifest that every `job` must contain. */
export function baseJobManifest(): JobManifest {
  return structuredClone(BASE_JOB_MANIFEST) as unknown as JobManifest;
}

/**
 * What a manifest lacks of the base manifest (`missing`: JSON pointers) and where it disagrees with
 * it (`conflicts`: `pointer must be value`). Extra content is allowed.
 */
export function compareWithBase(job: unknown): { missing: string[]; conflicts: string[] } {
  const missing: string[] = [];
  const conflicts: string[] = [];
  const walk = (base: unknown, actual: unknown, path: string): void => {
    if (actual === undefined) {
      missing.push(path || "/");
    } else if (Array.isArray(base)) {
      if (!Array.isArray(actual)) conflicts.push(`${path} must be a list`);
      else for (const [index, item] of base.entries()) walk(item, actual[index], `${path}/${index}`);
    } else if (isRecord(base)) {
      if (!isRecord(actual)) conflicts.push(`${path || "/"} must be an object`);
      else for (const [key, item] of Object.entries(base)) walk(item, actual[key], `${path}/${key}`);
    } else if (actual !== base) {
      conflicts.push(`${path} must be ${JSON.stringify(base)}`);
    }
  };
  walk(BASE_JOB_MANIFEST, job, "");
  return { missing: missing.sort(), conflicts: conflicts.sort() };
}

/** The message for a manifest that does not hold the base manifest, or undefined when it does. */
export function baseManifestProblem(job: unknown): string | undefined {
  const { missing, conflicts } = compareWithBase(job);
  const parts: string[] = [];
  if (missing.length > 0) parts.push(`it is missing required attributes at ${missing.join(", ")}`);
  if (conflicts.length > 0) parts.push(`it has incompatible values: ${conflicts.join(", ")}`);
  return parts.length > 0 ? `the job must contain the base Job manifest, but ${parts.join("; ")}` : undefined;
}

/** The block settings a manifest is built from (a subset of the `kubernetes-job` config). */
export interface JobSettings {
  env: Readonly<Record<string, string | null>>;
  labels: Readonly<Record<string, string>>;
  name?: string | undefined;
  command?: readonly string[] | undefined;
  image?: string | undefined;
  namespace?: string | undefined;
  serviceAccountName?: string | undefined;
  imagePullPolicy?: "IfNotPresent" | "Always" | "Never" | undefined;
  job: JobManifest;
  /** A list, or that list as JSON or YAML text (checked by the block type's check). */
  customizations: Customizations;
  finishedJobTtl?: number | undefined;
  backoffLimit?: number | undefined;
  apiDnsName?: string | undefined;
}

/** A field that both the block and its manifest set, to different values. */
export interface ShortcutConflict {
  field: string;
  message: string;
}

/**
 * Block fields that disagree with what the manifest already says. Shortcuts other than `namespace`
 * only fill what the manifest leaves out (Prefect overwrote the manifest's image, #7244), so a disagreement
 * would silently drop one of the two values; it is reported instead.
 */
export function shortcutConflicts(settings: JobSettings): ShortcutConflict[] {
  const job = settings.job;
  const container = firstContainer(job);
  const podSpec = podSpecOf(job);
  const checks: [string, unknown, unknown, string][] = [
    ["image", settings.image, container?.image, "/spec/template/spec/containers/0/image"],
    [
      "imagePullPolicy",
      settings.imagePullPolicy,
      container?.imagePullPolicy,
      "/spec/template/spec/containers/0/imagePullPolicy",
    ],
    [
      "serviceAccountName",
      settings.serviceAccountName,
      podSpec?.serviceAccountName,
      "/spec/template/spec/serviceAccountName",
    ],
    [
      "finishedJobTtl",
      settings.finishedJobTtl,
      recordAt(job, "spec")?.ttlSecondsAfterFinished,
      "/spec/ttlSecondsAfterFinished",
    ],
    ["command", settings.command, container?.args, "/spec/template/spec/containers/0/args"],
  ];
  return checks
    .filter(([, field, manifest]) => field !== undefined && manifest !== undefined)
    .filter(([, field, manifest]) => JSON.stringify(field) !== JSON.stringify(manifest))
    .map(([field, value, manifest, pointer]) => ({
      field,
      message: `${JSON.stringify(value)} conflicts with the job's ${pointer} (${JSON.stringify(manifest)}); set one of them`,
    }));
}

export interface BuiltJob {
  manifest: JobManifest;
  /** The namespace the job is created in, and the only one `kill` accepts. */
  namespace: string;
  /** Things worth telling the user, such as a customization that drops the env. */
  warnings: string[];
}

/**
 * The Job to create: the block's manifest, then the shortcut fields filling what it leaves out,
 * then the customizations. Throws INVALID_DOCUMENT naming `customizations.N` when a patch does
 * not apply or leaves a manifest the runner cannot follow.
 */
export function buildJobManifest(
  settings: JobSettings,
  baseEnvironment: Readonly<Record<string, string>>,
  run?: { runId: string; runner: string },
): BuiltJob {
  const manifest = structuredClone(settings.job);
  const metadata = ensureRecord(manifest, "metadata");
  const spec = ensureRecord(manifest, "spec");
  const template = ensureRecord(spec, "template");
  const podSpec = ensureRecord(template, "spec");
  const container = firstContainer(manifest) as Record<string, unknown>;

  // The field overrides the manifest's namespace (CONTRACT.md; Prefect's users rely on it).
  metadata.namespace = settings.namespace ?? metadata.namespace ?? "default";
  if (settings.image !== undefined) container.image ??= settings.image;

  const { labels } = kubernetesLabels(settings.labels);
  if (Object.keys(labels).length > 0) {
    metadata.labels = { ...recordAt(metadata, "labels"), ...labels };
    // On the pod template too, so that the pods carry them (Prefect labelled the Job only).
    const templateMetadata = ensureRecord(template, "metadata");
    templateMetadata.labels = { ...recordAt(templateMetadata, "labels"), ...labels };
  }

  container.env = mergeEnv(
    Array.isArray(container.env) ? (container.env as EnvEntry[]) : [],
    withApiUrlRewrite(baseEnvironment, settings),
    settings.env,
  );
  if (settings.imagePullPolicy !== undefined) container.imagePullPolicy ??= settings.imagePullPolicy;
  if (settings.serviceAccountName !== undefined) podSpec.serviceAccountName ??= settings.serviceAccountName;
  if (settings.finishedJobTtl !== undefined) spec.ttlSecondsAfterFinished ??= settings.finishedJobTtl;
  if (settings.backoffLimit !== undefined) spec.backoffLimit ??= settings.backoffLimit;
  // `args`, not `command`, so that a manifest's `command` can wrap ours as an entrypoint.
  if (settings.command !== undefined) container.args ??= [...settings.command];
  if (metadata.name === undefined && metadata.generateName === undefined) {
    metadata.generateName = generateJobName(settings.name, settings.command ?? [], Object.keys(settings.env));
  }

  const customizations = customizationList(settings.customizations);
  const customized = applyCustomizations(manifest, customizations);
  const namespace = recordAt(customized, "metadata")?.namespace;
  if (typeof namespace !== "string" || namespace === "") {
    throw invalid("customizations", "the patched job has no /metadata/namespace string");
  }
  // After the customizations, so that no patch can hide a run from ps and sweep.
  if (run) labelRun(customized, run);
  return { manifest: customized, namespace, warnings: envWarnings(customizations) };
}

/** The namespace a block creates its jobs in: the field, else the manifest's, else "default" (after customizations). */
export function effectiveNamespace(settings: JobSettings): string {
  return buildJobManifest(settings, {}).namespace;
}

/** The manifest with the values of secret-looking environment variables masked, for previews. */
export function maskManifest(manifest: JobManifest): JobManifest {
  const copy = structuredClone(manifest);
  const podSpec = podSpecOf(copy);
  for (const key of ["containers", "initContainers"]) {
    const containers = podSpec?.[key];
    if (!Array.isArray(containers)) continue;
    for (const container of containers) {
      if (!isRecord(container) || !Array.isArray(container.env)) continue;
      for (const entry of container.env as EnvEntry[]) {
        if (typeof entry?.value === "string" && isSecretVariableName(String(entry.name))) entry.value = MASK;
      }
    }
  }
  return copy;
}

/** The main container of a manifest (the first; the base manifest names it `infrablocks-job`). */
export function firstContainer(manifest: JobManifest): Record<string, unknown> | undefined {
  const containers = podSpecOf(manifest)?.containers;
  return Array.isArray(containers) && isRecord(containers[0]) ? containers[0] : undefined;
}

// --- Internal helpers ---

/** The run-id label on the Job and its pod template, and the runner annotation on the Job. */
function labelRun(manifest: JobManifest, run: { runId: string; runner: string }): void {
  const metadata = ensureRecord(manifest, "metadata");
  const templateMetadata = ensureRecord(ensureRecord(ensureRecord(manifest, "spec"), "template"), "metadata");
  metadata.labels = { ...recordAt(metadata, "labels"), [RUN_ID_LABEL]: run.runId };
  templateMetadata.labels = { ...recordAt(templateMetadata, "labels"), [RUN_ID_LABEL]: run.runId };
  metadata.annotations = { ...recordAt(metadata, "annotations"), [RUNNER_ANNOTATION]: run.runner };
}

/**
 * Environment layers, lowest first: the caller's INFRABLOCKS_* variables, the manifest's own entries,
 * then the block's `env` (where null removes a variable from every layer). Entries keep the manifest's
 * order, because `$(VAR)` references only see earlier entries; new names are appended.
 */
function mergeEnv(
  manifestEnv: readonly EnvEntry[],
  baseEnvironment: Readonly<Record<string, string>>,
  blockEnv: Readonly<Record<string, string | null>>,
): EnvEntry[] {
  const entries = new Map<string, EnvEntry>();
  for (const [name, value] of Object.entries(baseEnvironment)) entries.set(name, { name, value });
  const manifestNames = new Set(manifestEnv.map((entry) => entry.name));
  const ordered = new Map<string, EnvEntry>();
  for (const entry of manifestEnv) ordered.set(entry.name, entry);
  for (const [name, entry] of entries) if (!manifestNames.has(name)) ordered.set(name, entry);
  for (const [name, value] of Object.entries(blockEnv)) {
    if (value === null) ordered.delete(name);
    else ordered.set(name, { name, value });
  }
  return [...ordered.values()];
}

/**
 * The base environment with an inherited API URL that points at this machine rewritten to the API's
 * in-cluster DNS name, which is how a pod reaches it. A URL the block sets itself is left alone.
 */
function withApiUrlRewrite(
  baseEnvironment: Readonly<Record<string, string>>,
  settings: JobSettings,
): Record<string, string> {
  const url = baseEnvironment[API_URL_VARIABLE];
  if (!settings.apiDnsName || url === undefined || API_URL_VARIABLE in settings.env)
    return { ...baseEnvironment };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ...baseEnvironment };
  }
  if (parsed.hostname !== "localhost" && parsed.hostname !== "127.0.0.1") return { ...baseEnvironment };
  parsed.hostname = settings.apiDnsName;
  const rewritten = url.endsWith("/") ? parsed.href : parsed.href.replace(/\/$/, "");
  return { ...baseEnvironment, [API_URL_VARIABLE]: rewritten };
}

function applyCustomizations(manifest: JobManifest, customizations: readonly PatchOperation[]): JobManifest {
  let customized: unknown;
  try {
    customized = applyPatch(manifest, customizations);
  } catch (error) {
    if (error instanceof PatchError) throw invalid(`customizations.${error.index}`, error.message);
    throw error;
  }
  if (!isRecord(customized)) throw invalid("customizations", "the patched job is not an object");
  const problem = customizations.length > 0 ? baseManifestProblem(customized) : undefined;
  if (problem) throw invalid("customizations", `after patching, ${problem}`);
  return customized;
}

const MAIN_ENV_POINTER = "/spec/template/spec/containers/0/env";

/** Prefect #7434: a patch that sets the whole env list silently dropped every variable before it. */
function envWarnings(customizations: readonly PatchOperation[]): string[] {
  return customizations.flatMap((operation, index) =>
    operation.path === MAIN_ENV_POINTER && operation.op !== "test"
      ? [
          `customizations.${index} (${operation.op} ${MAIN_ENV_POINTER}) replaces the container's whole env, dropping the block's env and the INFRABLOCKS_* variables; append with '${MAIN_ENV_POINTER}/-' instead.`,
        ]
      : [],
  );
}

function invalid(path: string, problem: string): InfrablocksError {
  const issue = `${path}: ${problem}`;
  return new InfrablocksError("INVALID_DOCUMENT", `Invalid kubernetes-job document:\n  ${issue}`, {
    blockType: "kubernetes-job",
    issues: [issue],
  });
}

function podSpecOf(manifest: JobManifest): Record<string, unknown> | undefined {
  return recordAt(recordAt(recordAt(manifest, "spec"), "template"), "spec");
}

function recordAt(node: unknown, key: string): Record<string, unknown> | undefined {
  const value = isRecord(node) ? node[key] : undefined;
  return isRecord(value) ? value : undefined;
}

function ensureRecord(node: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = node[key];
  if (isRecord(value)) return value;
  const created: Record<string, unknown> = {};
  node[key] = created;
  return created;
}
