import type { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import {
  type Infrastructure,
  InfrablocksError,
  isSecretVariableName,
  type KillContext,
  type ListRunsContext,
  type Logger,
  type PreviewContext,
  Redactor,
  type RunContext,
  type RunInfo,
  type RunResult,
  requireCommand,
  runEnvironment,
  runnerAlive,
  runnerIdentity,
} from "@infrablocks/core/runtime";
import {
  dockerConfigCredentials,
  loginToRegistry,
  type RegistryAuth,
  registryHost,
} from "@infrablocks/docker-registry/runtime";
import type Docker from "dockerode";
import packageJson from "../package.json" with { type: "json" };
import { candidateNames, NAME_CONFLICT_RETRIES } from "./container-name.js";
import { copyOutput, type OutputCopy } from "./container-output.js";
import {
  assertValidCombinations,
  type ContainerPlan,
  planContainer,
  previewDocument,
} from "./container-settings.js";
import { awaitExit, type ExitWatch, watchExit } from "./container-wait.js";
import {
  type Engine,
  engineClient,
  engineConfigured,
  engineVersion,
  supportsHostGateway,
} from "./docker-client.js";
import type { DockerContainerBlock } from "./docker-container-block.js";
import { engineMessage, isConnectionError, statusOf, unreachableError } from "./engine-errors.js";
import { exitMessage } from "./exit-message.js";
import { containerIdentifier, parseContainerIdentifier } from "./identifier.js";
import type { ImageReference } from "./image-reference.js";
import { ensureImage } from "./image-pull.js";
import { RUN_ID_LABEL, RUNNER_LABEL, VERSION_LABEL } from "./labels.js";

export const dockerContainerInfrastructure: Infrastructure<DockerContainerBlock> = {
  run,
  preview,
  kill,
  attach,
  listRuns,
};

const SLUG = "docker-container";
// After the exit, the engine closes the output stream at once; a stream still open after this is stuck.
const DRAIN_TIMEOUT_MS = 10_000;
// The engine stops a container within the grace period plus the time SIGKILL takes; this bounds the wait.
const STOP_MARGIN_SECONDS = 30;
// Between create and start a run only connects networks and attaches: well under this.
const CREATED_WAIT_MS = 10_000;
/** The states of a container whose run has not ended ("created": its runner died before starting it). */
const LIVE_STATES = new Set(["created", "running", "paused", "restarting"]);

async function run(config: DockerContainerBlock, context: RunContext): Promise<RunResult> {
  const command = requireCommand(SLUG, config.command);
  assertValidCombinations(config);
  const engine = await engineClient(config.dockerContext);
  const version = await engineVersion(engine);
  const plan = planContainer(config, command, {
    baseEnvironment: runEnvironment(context),
    platform: process.platform,
    hostGateway: supportsHostGateway(version),
    version: packageJson.version,
    run: { runId: context.runId, runner: runnerIdentity() },
  });
  for (const warning of plan.warnings) context.log.warn(warning);
  const redact = runRedact(config, context.redact);
  const { docker } = engine;

  await ensureImage(
    docker,
    plan.image,
    plan.pullPolicy,
    () => pullCredentials(docker, config, plan.image, context.log),
    context.log,
    context.progress,
  ).catch((error: unknown) => {
    throw failure("image: checking or pulling the image failed", error, redact, engine);
  });
  const container = await createContainer(engine, plan, redact, context.log);
  const identifier = containerIdentifier(engine.host.endpoint, container.id);
  context.log.info(`Created container ${plan.name ? `'${plan.name}' ` : ""}(${container.id.slice(0, 12)}).`);
  context.onStarted(identifier);
  try {
    const { statusCode, message } = await supervise(
      engine,
      container,
      plan,
      config,
      command,
      context,
      redact,
    );
    return { identifier, statusCode, ...(message ? { message } : {}) };
  } finally {
    if (config.autoRemove) await removeContainer(container, context.log);
  }
}

async function preview(config: DockerContainerBlock, context: PreviewContext): Promise<string> {
  const command = requireCommand(SLUG, config.command);
  const plan = planContainer(config, command, {
    baseEnvironment: context.baseEnvironment,
    platform: process.platform,
    // No engine is asked in a preview; current engines map host-gateway.
    hostGateway: true,
    version: packageJson.version,
  });
  return JSON.stringify(previewDocument(config, plan), null, 2);
}

async function kill(config: DockerContainerBlock, identifier: string, context: KillContext): Promise<void> {
  const { endpoint, containerId } = parseContainerIdentifier(identifier);
  const engine = await engineClient(config.dockerContext);
  const short = containerId.slice(0, 12);
  if (endpoint !== engine.host.endpoint) {
    throw new InfrablocksError(
      "INFRASTRUCTURE_NOT_AVAILABLE",
      `Unable to stop container ${short}: it runs on the Docker Engine at '${endpoint}', and this block reaches '${engine.host.endpoint}' (${engine.host.source}).`,
      { blockType: SLUG },
    );
  }
  const container = engine.docker.getContainer(containerId);
  const inspectFailed = (error: unknown) => {
    throw failure(`Inspecting container ${short} failed`, error, context.redact, engine);
  };
  const first = await inspectContainer(container).catch(inspectFailed);
  // Only a run's: every container infrablocks creates carries the version label. Another's is not ours
  // to stop, nor, created and never started, to remove.
  if (first && first.Config?.Labels?.[VERSION_LABEL] === undefined) {
    throw notFound(
      short,
      `it is not a container infrablocks started (it has no ${VERSION_LABEL} label); 'infrablocks ps' lists the runs, and 'docker stop' stops any container`,
    );
  }
  const inspected =
    first?.State.Status === "created" ? await settledContainer(container).catch(inspectFailed) : first;
  const state = inspected?.State;
  if (state?.Status === "created") {
    // The run that created it never started it (it would have within the wait): nothing runs, so remove it.
    await removeContainer(container, context.log);
    context.log.warn(`Container ${short} was created but never started; it has been removed.`);
    return;
  }
  if (state === undefined || state.Status === "removing") {
    throw notFound(short, "no such container; it has been removed");
  }
  if (!state.Running) throw notFound(short, `it has already ended (exit code ${state.ExitCode})`);
  const grace = Math.max(0, Math.ceil(context.graceSeconds));
  try {
    // The engine sends the stop signal, waits `t` seconds, sends SIGKILL, and answers once the container has ended.
    await container.stop({
      t: grace,
      abortSignal: AbortSignal.timeout((grace + STOP_MARGIN_SECONDS) * 1000),
    });
  } catch (error) {
    const status = statusOf(error);
    if (status === 304) return; // It ended on its own in the meantime.
    if (status === 404) throw notFound(short, "it was removed while being stopped");
    throw failure(`Stopping container ${short} failed`, error, context.redact, engine);
  }
}

async function attach(config: DockerContainerBlock, context: RunContext): Promise<RunResult> {
  const engine = await engineClient(config.dockerContext);
  await engineVersion(engine);
  const redact = runRedact(config, context.redact);
  let found: Docker.ContainerInfo[];
  try {
    found = await engine.docker.listContainers({
      all: true,
      filters: { label: [`${RUN_ID_LABEL}=${context.runId}`] },
    });
  } catch (error) {
    throw failure(`Looking for the container of run '${context.runId}' failed`, error, redact, engine);
  }
  const info = found.sort((a, b) => b.Created - a.Created)[0];
  if (!info) {
    throw new InfrablocksError(
      "INFRASTRUCTURE_NOT_FOUND",
      `No container of run '${context.runId}' is on the Docker Engine at ${engine.host.endpoint}; 'infrablocks ps' lists the live runs.`,
      { blockType: SLUG },
    );
  }
  const short = info.Id.slice(0, 12);
  if (info.State === "created") {
    throw new InfrablocksError(
      "INFRASTRUCTURE_ERROR",
      `Container ${short} of run '${context.runId}' was created but never started (its runner died first); 'infrablocks sweep' removes it.`,
      { blockType: SLUG },
    );
  }
  const identifier = containerIdentifier(engine.host.endpoint, info.Id);
  context.onStarted(identifier);
  const container = engine.docker.getContainer(info.Id);
  let output: OutputCopy | undefined;
  let watch: ExitWatch | undefined;
  try {
    if (config.streamOutput) {
      // From the start: the engine keeps the whole log, and the dead runner's copy is gone with it.
      const stream = await container.logs({ follow: true, stdout: true, stderr: true });
      output = copyOutput(stream as unknown as Readable, context.stdout, context.stderr);
    }
    // `not-running` answers at once for a container that has already ended.
    watch = await watchExit(engine.docker, info.Id, "not-running");
  } catch (error) {
    watch?.cancel();
    output?.stop();
    throw failure(`Attaching to container ${short} failed`, error, redact, engine);
  }
  try {
    const { statusCode, message } = await collectExit(
      engine,
      container,
      config,
      output,
      watch,
      context,
      redact,
    );
    return { identifier, statusCode, ...(message ? { message } : {}) };
  } finally {
    if (config.autoRemove) await removeContainer(container, context.log);
  }
}

/** The containers of runs on the block's engine (DOCKER_HOST's, a context's) that have not ended. */
async function listRuns(
  config: DockerContainerBlock | undefined,
  context: ListRunsContext,
): Promise<RunInfo[]> {
  // For ps (no block), no engine configured and no default socket means nothing to list, and no note.
  if (!config && !engineConfigured()) return [];
  const engine = await engineClient(config?.dockerContext);
  await engineVersion(engine);
  let found: Docker.ContainerInfo[];
  try {
    found = await engine.docker.listContainers({ all: true, filters: { label: [RUN_ID_LABEL] } });
  } catch (error) {
    throw failure("Listing the containers of runs failed", error, context.redact, engine);
  }
  return found
    .filter((info) => LIVE_STATES.has(info.State))
    .map((info) => {
      const runner = info.Labels[RUNNER_LABEL];
      return {
        runId: info.Labels[RUN_ID_LABEL] as string,
        type: SLUG,
        identifier: containerIdentifier(engine.host.endpoint, info.Id),
        startedAt: new Date(info.Created * 1000).toISOString(),
        runner,
        runnerAlive: runnerAlive(runner),
      };
    });
}

// --- Internal helpers ---

/** Connects networks, attaches to the output, starts the container and waits for the engine's verdict. */
async function supervise(
  engine: Engine,
  container: Docker.Container,
  plan: ContainerPlan,
  config: DockerContainerBlock,
  command: string[],
  context: RunContext,
  redact: Redact,
): Promise<{ statusCode: number; message?: string }> {
  const { docker } = engine;
  for (const network of plan.extraNetworks) {
    await docker
      .getNetwork(network)
      .connect({ Container: container.id })
      .catch((error: unknown) => {
        throw failure(`networks: connecting the container to '${network}' failed`, error, redact, engine);
      });
  }
  let output: OutputCopy | undefined;
  let watch: ExitWatch | undefined;
  try {
    // Attached before start, so not even the first line is missed.
    if (config.streamOutput) {
      const stream = await container.attach({ stream: true, stdout: true, stderr: true });
      // Without hijacking, the engine's answer is a plain HTTP response: a Readable.
      output = copyOutput(stream as unknown as Readable, context.stdout, context.stderr);
    }
    watch = await watchExit(docker, container.id, "next-exit");
    await container.start();
  } catch (error) {
    watch?.cancel();
    output?.stop();
    throw startFailure(error, command, plan.image, redact, engine);
  }
  return collectExit(engine, container, config, output, watch, context, redact);
}

/** Waits for the engine's verdict on a started container and the rest of its output, and explains it. */
async function collectExit(
  engine: Engine,
  container: Docker.Container,
  config: DockerContainerBlock,
  output: OutputCopy | undefined,
  watch: ExitWatch,
  context: RunContext,
  redact: Redact,
): Promise<{ statusCode: number; message?: string }> {
  const { docker } = engine;
  const copied = output?.done.then(
    () => true,
    (error: Error) => {
      // Output is a side channel: losing it never changes the result.
      context.log.warn(`Copying the container's output failed: ${error.message}`);
      return true;
    },
  );

  const outcome = await awaitExit(docker, container.id, watch, context.log);
  if (output && copied) await drain(output, copied, context.log);

  const short = container.id.slice(0, 12);
  // null: the state could not be read, which costs the memory hint but not the exit code.
  const inspected = await inspectContainer(container).catch((error: unknown) => {
    context.log.warn(`Inspecting container ${short} after its exit failed: ${engineMessage(error, redact)}`);
    return null;
  });
  const state = inspected === null ? null : inspected?.State;
  if (outcome.kind !== "exited" || state === undefined || state?.Status === "removing") {
    return {
      statusCode: -1,
      message: `Container ${short} was removed before its exit could be collected; its exit code is lost.`,
    };
  }
  const messages = [
    exitMessage(outcome.statusCode, state?.OOMKilled === true, config.memLimit),
    outcome.error && `The engine reported: ${redact(outcome.error)}`,
  ].filter(Boolean);
  return { statusCode: outcome.statusCode, ...(messages.length > 0 ? { message: messages.join(" ") } : {}) };
}

/** Waits, boundedly, for the rest of the output once the container has ended. */
async function drain(output: OutputCopy, copied: Promise<boolean>, log: Logger): Promise<void> {
  const timer = new AbortController();
  const finished = await Promise.race([
    copied,
    sleep(DRAIN_TIMEOUT_MS, false, { signal: timer.signal }).catch(() => false),
  ]);
  timer.abort();
  if (!finished) {
    output.stop();
    log.warn(
      `The container's output was still open ${DRAIN_TIMEOUT_MS / 1000}s after it ended; the rest is dropped.`,
    );
  }
}

async function createContainer(
  engine: Engine,
  plan: ContainerPlan,
  redact: Redact,
  log: Logger,
): Promise<Docker.Container> {
  const names = plan.name === undefined ? [undefined] : candidateNames(plan.name);
  for (const name of names) {
    try {
      // `_query` and `_body` keep the body (the environment among it) out of the URL, where docker-modem
      // would otherwise put every option.
      const options = { _query: name === undefined ? {} : { name }, _body: plan.body };
      return await engine.docker.createContainer(options as unknown as Docker.ContainerCreateOptions);
    } catch (error) {
      if (isNameConflict(error) && name !== undefined) {
        log.warn(`Docker container name '${name}' is taken; trying the next one.`);
        continue;
      }
      throw failure("Creating the container failed", error, redact, engine);
    }
  }
  throw new InfrablocksError(
    "INFRASTRUCTURE_ERROR",
    `name: '${plan.name}' and '${plan.name}-1' to '${plan.name}-${NAME_CONFLICT_RETRIES}' are all taken by other containers; remove them (docker rm) or choose another name.`,
    { blockType: SLUG },
  );
}

async function pullCredentials(
  docker: Docker,
  config: DockerContainerBlock,
  image: ImageReference,
  log: Logger,
): Promise<RegistryAuth | undefined> {
  const registry = config.imageRegistry;
  if (registry) {
    const host = registryHost(registry.registryUrl);
    if (host === image.registry) return loginToRegistry(docker, registry);
    // Sending them would hand one registry's password to another.
    log.warn(
      `imageRegistry holds credentials for '${host}', but image '${image.text}' comes from '${image.registry}'; they are not sent there.`,
    );
  }
  const found = await dockerConfigCredentials(image.registry);
  if (found.warning) log.warn(found.warning);
  return found.auth;
}

/**
 * Docker Engine answers a taken name with 409; Podman 4.3's compatible API with 500 and a message
 * that says the name "is already in use".
 */
function isNameConflict(error: unknown): boolean {
  return statusOf(error) === 409 || /container name .* is already in use/.test(engineMessage(error));
}

async function removeContainer(container: Docker.Container, log: Logger): Promise<void> {
  try {
    // v: anonymous volumes go too, as with docker run --rm.
    await container.remove({ force: true, v: true });
  } catch (error) {
    const status = statusOf(error);
    if (status === 404 || status === 409) return; // Gone already, or being removed.
    log.warn(`Removing container ${container.id.slice(0, 12)} failed: ${engineMessage(error)}`);
  }
}

/**
 * The state of a container to stop. A run reports its container between create and start, so a kill
 * may find it "created" for a moment; it waits, boundedly, for the start.
 */
async function settledContainer(
  container: Docker.Container,
): Promise<Docker.ContainerInspectInfo | undefined> {
  const deadline = Date.now() + CREATED_WAIT_MS;
  for (;;) {
    const inspected = await inspectContainer(container);
    if (inspected?.State.Status !== "created" || Date.now() > deadline) return inspected;
    await sleep(100);
  }
}

async function inspectContainer(
  container: Docker.Container,
): Promise<Docker.ContainerInspectInfo | undefined> {
  try {
    return await container.inspect();
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

type Redact = (text: string) => string;

/**
 * The context's `redact`, which masks the block's secrets (its registry password, its and the base
 * environment's secret-named variables), and also the secret-named variables of `createOptions.Env`:
 * entries of a free-form map, which core cannot tell are secrets.
 */
function runRedact(config: DockerContainerBlock, redact: Redact): Redact {
  const entries = (config.createOptions as { Env?: unknown } | undefined)?.Env;
  const values = (Array.isArray(entries) ? entries : []).flatMap((entry) => {
    const equals = typeof entry === "string" ? entry.indexOf("=") : -1;
    return equals > 0 && isSecretVariableName(entry.slice(0, equals)) ? [entry.slice(equals + 1)] : [];
  });
  if (values.length === 0) return redact;
  const createOptionsSecrets = new Redactor();
  createOptionsSecrets.add(...values);
  return (text) => redact(createOptionsSecrets.redact(text));
}

const EXEC_NOT_FOUND = /exec: "([^"]*)": (?:executable file not found|stat [^:]*: no such file or directory)/;

function startFailure(
  error: unknown,
  command: string[],
  image: ImageReference,
  redact: Redact,
  engine: Engine,
): InfrablocksError {
  if (error instanceof InfrablocksError) return error;
  const missing = EXEC_NOT_FOUND.exec(engineMessage(error));
  if (missing) {
    return new InfrablocksError(
      "EXECUTABLE_NOT_FOUND",
      `command.0: executable '${missing[1] ?? command[0]}' was not found in image '${image.text}'.`,
      { blockType: SLUG },
    );
  }
  return failure("Starting the container failed", error, redact, engine);
}

function failure(action: string, error: unknown, redact: Redact, engine: Engine): InfrablocksError {
  if (error instanceof InfrablocksError) return error;
  if (isConnectionError(error)) return unreachableError(engine.host, error, engine.transportError?.());
  // No `cause`: client errors carry request details that must not reach a log.
  return new InfrablocksError("INFRASTRUCTURE_ERROR", `${action}: ${engineMessage(error, redact)}`, {
    blockType: SLUG,
  });
}

function notFound(short: string, reason: string): InfrablocksError {
  return new InfrablocksError("INFRASTRUCTURE_NOT_FOUND", `Unable to stop container ${short}: ${reason}.`, {
    blockType: SLUG,
  });
}
