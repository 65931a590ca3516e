import { defaultPullPolicy } from "./images.js";
import { generateName, newUid, timestamp } from "./meta.js";
import { badRequest, invalid, type StatusCause } from "./status.js";
import { RESOURCES, type Container, type Job } from "./types.js";
import {
  invalidValue,
  requiredValue,
  validateDns1123Label,
  validateGenerateName,
  validateLabels,
  validateObjectName,
} from "./validation.js";

const PULL_POLICIES = ["Always", "IfNotPresent", "Never"];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function unsupported(field: string, value: unknown, supported: string[]): StatusCause {
  return {
    reason: "FieldValueNotSupported",
    message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${supported.map((s) => `"${s}"`).join(", ")}`,
    field,
  };
}

function validateCount(field: string, value: unknown, minimum: number): StatusCause[] {
  if (value === undefined || value === null) return [];
  if (!Number.isInteger(value)) return [invalidValue(field, value, "must be an integer")];
  if ((value as number) < minimum) {
    return [invalidValue(field, value, `must be greater than or equal to ${minimum}`)];
  }
  return [];
}

function validateContainers(containers: unknown): StatusCause[] {
  const field = "spec.template.spec.containers";
  if (!Array.isArray(containers) || containers.length === 0) return [requiredValue(field)];
  const causes: StatusCause[] = [];
  const seen = new Set<string>();
  containers.forEach((c: unknown, i) => {
    const at = `${field}[${i}]`;
    if (!isObject(c)) {
      causes.push(invalidValue(at, c, "must be an object"));
      return;
    }
    if (typeof c.name !== "string" || c.name === "") causes.push(requiredValue(`${at}.name`));
    else {
      causes.push(...validateDns1123Label(`${at}.name`, c.name));
      if (seen.has(c.name)) {
        causes.push({
          reason: "FieldValueDuplicate",
          message: `Duplicate value: "${c.name}"`,
          field: `${at}.name`,
        });
      }
      seen.add(c.name);
    }
    if (typeof c.image !== "string" || c.image.trim() === "") causes.push(requiredValue(`${at}.image`));
    if (c.imagePullPolicy !== undefined && !PULL_POLICIES.includes(c.imagePullPolicy as string)) {
      causes.push(unsupported(`${at}.imagePullPolicy`, c.imagePullPolicy, PULL_POLICIES));
    }
    for (const key of ["command", "args"]) {
      const list = c[key];
      if (list !== undefined && (!Array.isArray(list) || list.some((x) => typeof x !== "string"))) {
        causes.push(invalidValue(`${at}.${key}`, list, "must be a list of strings"));
      }
    }
  });
  return causes;
}

/** Validates a Job as the apiserver would, naming each bad field; returns the causes found. */
function validateJob(body: Record<string, unknown>, metadata: Record<string, unknown>): StatusCause[] {
  const causes: StatusCause[] = [];
  if (typeof metadata.name === "string" && metadata.name !== "") {
    causes.push(...validateObjectName("metadata.name", metadata.name));
  } else if (typeof metadata.generateName === "string" && metadata.generateName !== "") {
    causes.push(...validateGenerateName("metadata.generateName", metadata.generateName));
  } else {
    causes.push(requiredValue("metadata.name", "name or generateName is required"));
  }
  causes.push(...validateLabels("metadata.labels", metadata.labels));
  const spec = body.spec;
  if (!isObject(spec)) return [...causes, requiredValue("spec")];
  const template = spec.template;
  if (!isObject(template)) return [...causes, requiredValue("spec.template")];
  const podSpec = template.spec;
  if (!isObject(podSpec)) return [...causes, requiredValue("spec.template.spec")];
  if (isObject(template.metadata)) {
    causes.push(...validateLabels("spec.template.metadata.labels", template.metadata.labels));
  }
  causes.push(...validateContainers(podSpec.containers));
  const restartPolicy = podSpec.restartPolicy;
  if (restartPolicy === undefined || restartPolicy === "") {
    causes.push(requiredValue("spec.template.spec.restartPolicy", 'valid values: "OnFailure", "Never"'));
  } else if (restartPolicy !== "Never" && restartPolicy !== "OnFailure") {
    causes.push(unsupported("spec.template.spec.restartPolicy", restartPolicy, ["OnFailure", "Never"]));
  }
  causes.push(...validateCount("spec.backoffLimit", spec.backoffLimit, 0));
  causes.push(...validateCount("spec.completions", spec.completions, 0));
  causes.push(...validateCount("spec.parallelism", spec.parallelism, 0));
  causes.push(...validateCount("spec.activeDeadlineSeconds", spec.activeDeadlineSeconds, 1));
  causes.push(...validateCount("spec.ttlSecondsAfterFinished", spec.ttlSecondsAfterFinished, 0));
  causes.push(
    ...validateCount(
      "spec.template.spec.terminationGracePeriodSeconds",
      podSpec.terminationGracePeriodSeconds,
      0,
    ),
  );
  return causes;
}

/**
 * Turns a POSTed body into the stored Job: validated, named, and defaulted the way the apiserver does
 * (selector and the four controller labels, pod defaults, backoffLimit 6, completions and parallelism 1).
 */
export function admitJob(body: unknown, namespace: string): Job {
  if (!isObject(body)) throw badRequest("the body of the request must be a Job object");
  if (body.kind !== undefined && body.kind !== "Job") {
    throw badRequest(`the kind of the provided object (${String(body.kind)}) is not Job`);
  }
  const metadata = isObject(body.metadata) ? body.metadata : {};
  if (metadata.namespace !== undefined && metadata.namespace !== "" && metadata.namespace !== namespace) {
    throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
  }
  const causes = validateJob(body, metadata);
  const shownName = String(metadata.name || metadata.generateName || "");
  if (causes.length > 0) throw invalid(RESOURCES.jobs, shownName, causes);

  const job = structuredClone(body) as unknown as Job;
  const name =
    typeof metadata.name === "string" && metadata.name !== ""
      ? metadata.name
      : generateName(String(metadata.generateName));
  const uid = newUid();
  const controllerLabels = {
    "batch.kubernetes.io/controller-uid": uid,
    "batch.kubernetes.io/job-name": name,
    "controller-uid": uid,
    "job-name": name,
  };
  const spec = job.spec;
  spec.template.metadata = {
    ...spec.template.metadata,
    labels: { ...spec.template.metadata?.labels, ...controllerLabels },
  };
  const userLabels = job.metadata.labels ?? {};
  job.apiVersion = "batch/v1";
  job.kind = "Job";
  job.metadata = {
    ...job.metadata,
    name,
    namespace,
    uid,
    resourceVersion: "",
    generation: 1,
    creationTimestamp: timestamp(),
    labels: Object.keys(userLabels).length > 0 ? userLabels : { ...spec.template.metadata.labels },
  };
  spec.backoffLimit ??= 6;
  spec.completions ??= 1;
  spec.parallelism ??= 1;
  spec.completionMode ??= "NonIndexed";
  spec.suspend ??= false;
  spec.podReplacementPolicy ??= "TerminatingOrFailed";
  spec.selector = { matchLabels: { "batch.kubernetes.io/controller-uid": uid } };
  const podSpec = spec.template.spec;
  podSpec.terminationGracePeriodSeconds ??= 30;
  podSpec.dnsPolicy ??= "ClusterFirst";
  podSpec.schedulerName ??= "default-scheduler";
  podSpec.securityContext ??= {};
  podSpec.containers = podSpec.containers.map(
    (c: Container): Container => ({
      ...c,
      imagePullPolicy: c.imagePullPolicy ?? defaultPullPolicy(c.image ?? ""),
      terminationMessagePath: c.terminationMessagePath ?? "/dev/termination-log",
      terminationMessagePolicy: c.terminationMessagePolicy ?? "File",
      resources: c.resources ?? {},
    }),
  );
  job.status = {};
  return job;
}
