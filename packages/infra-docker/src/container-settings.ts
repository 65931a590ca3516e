import { InfrablocksError, MASK, maskEnvironment } from "@infrablocks/core/runtime";
import { HOST_ALIAS, planNetworking } from "./api-url.js";
import { toBytes } from "./byte-size.js";
import { dockerContainerProblems } from "./container-checks.js";
import { containerName } from "./container-name.js";
import { mergeCreateBody } from "./create-options.js";
import type { DockerContainerBlock } from "./docker-container-block.js";
import { type ImageReference, parseImageReference } from "./image-reference.js";
import { containerLabels } from "./labels.js";
import { effectivePullPolicy, type PullPolicy } from "./pull-policy.js";

/** Everything a run sends to the engine, decided before any request is made. */
export interface ContainerPlan {
  readonly image: ImageReference;
  readonly pullPolicy: PullPolicy;
  /** The name asked for; undefined lets the engine choose one. */
  readonly name: string | undefined;
  /** The Engine API create body (`POST /containers/create`). */
  readonly body: Record<string, unknown>;
  /** Networks connected after create and before start (the engine takes one network at create). */
  readonly extraNetworks: readonly string[];
  readonly warnings: readonly string[];
}

export interface PlanContext {
  baseEnvironment: Readonly<Record<string, string>>;
  platform: NodeJS.Platform;
  /** Whether the engine maps `host-gateway` (20.10 and later); previews, which ask no engine, assume so. */
  hostGateway: boolean;
  /** This package's version, for the version label. */
  version: string;
  /** The run's id and runner, labelled on the container; previews have none. */
  run?: { runId: string; runner: string };
}

const SLUG = "docker-container";

export function planContainer(
  config: DockerContainerBlock,
  command: string[],
  context: PlanContext,
): ContainerPlan {
  assertValidCombinations(config);
  const image = parseImageReference(config.image);
  const networking = planNetworking({
    env: config.env,
    baseEnvironment: context.baseEnvironment,
    networks: config.networks,
    networkMode: config.networkMode,
    platform: context.platform,
  });
  const warnings = [...networking.warnings];
  const name = containerName(config.name);
  if (config.name !== undefined && name === undefined) {
    warnings.push(`name '${config.name}' leaves no valid container name; the engine will choose one.`);
  }
  let extraHosts: string[] | undefined;
  if (networking.mapHostAlias) {
    if (context.hostGateway) extraHosts = [`${HOST_ALIAS}:host-gateway`];
    else {
      warnings.push(
        `${HOST_ALIAS} cannot be mapped to the host on Docker Engines older than 20.10; upgrade the engine if the container cannot reach the host.`,
      );
    }
  }
  const [firstNetwork, ...extraNetworks] = config.networks;
  const envEntries = Object.entries(networking.env).map(([key, value]) => `${key}=${value}`);
  const derived = {
    Image: config.image,
    Cmd: command,
    Env: envEntries.length > 0 ? envEntries : undefined,
    Labels: containerLabels(config.labels, context.version, context.run),
    User: config.user,
    // Output is demultiplexed from frames, and nobody writes to stdin: a TTY or open stdin would break both.
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    AttachStdin: false,
    AttachStdout: config.streamOutput,
    AttachStderr: config.streamOutput,
    HostConfig: {
      // Never the engine's auto-removal: it races the wait for the exit code. Runs remove containers themselves.
      AutoRemove: false,
      NetworkMode: networking.networkMode ?? firstNetwork,
      Binds: config.volumes.length > 0 ? config.volumes : undefined,
      Memory: config.memLimit === undefined ? undefined : toBytes(config.memLimit),
      MemorySwap: config.memswapLimit === undefined ? undefined : toBytes(config.memswapLimit),
      NanoCpus: config.cpuLimit === undefined ? undefined : Math.round(config.cpuLimit * 1e9),
      Privileged: config.privileged || undefined,
      ExtraHosts: extraHosts,
      DeviceRequests: config.gpus === undefined ? undefined : [gpuRequest(config.gpus)],
    },
    NetworkingConfig: firstNetwork ? { EndpointsConfig: { [firstNetwork]: {} } } : undefined,
  };
  return {
    image,
    pullPolicy: effectivePullPolicy(image, config.imagePullPolicy),
    name,
    body: mergeCreateBody(config.createOptions, derived),
    extraNetworks,
    warnings,
  };
}

/**
 * The preview document: the Docker context named, the create body with secret-looking variables
 * masked, the name, the networks connected later and the pull that would happen. Registry passwords are never part of it.
 */
export function previewDocument(config: DockerContainerBlock, plan: ContainerPlan): Record<string, unknown> {
  const body = structuredClone(plan.body);
  if (Array.isArray(body.Env)) body.Env = maskEnvEntries(body.Env);
  const when = { Always: "always", IfNotPresent: "if the image is not present", Never: "never" }[
    plan.pullPolicy
  ];
  const credentials = config.imageRegistry
    ? `imageRegistry: '${config.imageRegistry.username}' at '${config.imageRegistry.registryUrl}', password ${MASK}`
    : `the Docker config's credentials for '${plan.image.registry}', if it has any`;
  return {
    // Named, not resolved: a preview reads no engine settings.
    ...(config.dockerContext ? { dockerContext: config.dockerContext } : {}),
    pull: {
      image: plan.image.text,
      policy: plan.pullPolicy,
      when,
      ...(plan.pullPolicy === "Never" ? {} : { credentials }),
    },
    ...(plan.name ? { name: plan.name } : {}),
    create: body,
    ...(plan.extraNetworks.length > 0 ? { connectNetworks: plan.extraNetworks } : {}),
    ...(plan.warnings.length > 0 ? { warnings: plan.warnings } : {}),
  };
}

/** The block type's own checks, for callers that hand a parsed config straight to the driver. */
export function assertValidCombinations(config: DockerContainerBlock): void {
  const issues = dockerContainerProblems(config).map((problem) => `${problem.path}: ${problem.message}`);
  if (issues.length > 0) {
    throw new InfrablocksError("INVALID_DOCUMENT", issues.join("; "), { blockType: SLUG, issues });
  }
}

// --- Internal helpers ---

function gpuRequest(gpus: "all" | number | string[]): Record<string, unknown> {
  const common = { Driver: "", Capabilities: [["gpu"]] };
  if (gpus === "all") return { ...common, Count: -1 };
  if (typeof gpus === "number") return { ...common, Count: gpus };
  return { ...common, DeviceIDs: gpus };
}

function maskEnvEntries(entries: unknown[]): unknown[] {
  return entries.map((entry) => {
    if (typeof entry !== "string") return entry;
    const equals = entry.indexOf("=");
    if (equals === -1) return entry;
    const name = entry.slice(0, equals);
    return `${name}=${maskEnvironment({ [name]: entry.slice(equals + 1) })[name]}`;
  });
}
