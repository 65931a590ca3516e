import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { InfrablocksError } from "@infrablocks/core/runtime";
import type Docker from "dockerode";
import { DEFAULT_SOCKET, DEFAULT_SOURCE, type DockerHost, resolveDockerEngine } from "./docker-host.js";
import { engineMessage, isConnectionError, unreachableError } from "./engine-errors.js";
import { sshBridge } from "./ssh-bridge.js";

/** A client for the engine DOCKER_HOST or a Docker context names. */
export interface Engine {
  readonly docker: Docker;
  readonly host: DockerHost;
  /** Why the transport to the engine last failed, when it can say (ssh's stderr). */
  readonly transportError?: () => string | undefined;
}

// Answering /version takes an engine milliseconds; much longer means it is hung or unreachable.
const VERSION_TIMEOUT_MS = 15_000;

/**
 * A client for the engine the docker CLI would use, `docker --context <dockerContext>` when a block
 * names a context; nothing is sent yet.
 */
export async function engineClient(
  dockerContext?: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Engine> {
  const host = resolveDockerEngine(env, defaultSocket(), dockerContext);
  // dockerode and its transports take most of a second to load: only a command that talks to an engine pays.
  const { default: Docker } = await import("dockerode");
  if (host.ssh) {
    const bridge = sshBridge(host.endpoint, host.ssh);
    // docker-modem and engineRequest accept a socket path that is a function answering a promise.
    const socketPath = bridge.socketPath as unknown as string;
    // The rest is given too: docker-modem would read DOCKER_HOST itself and use its own ssh client.
    const docker = new Docker({
      socketPath,
      host: undefined,
      port: undefined,
      protocol: "http",
      username: undefined,
    });
    return { docker, host, transportError: bridge.lastError };
  }
  // Every connection setting is given, so docker-modem's own reading of DOCKER_HOST cannot differ.
  const docker = new Docker({
    socketPath: host.socketPath,
    host: host.socketPath ? undefined : host.host,
    port: host.socketPath ? undefined : host.port,
    protocol: host.tls ? "https" : "http",
    ...(host.tls ? tlsFiles(host.certPath ?? env.DOCKER_CERT_PATH) : {}),
  });
  return { docker, host };
}

/**
 * Whether there is an engine to ask at all: one is configured (DOCKER_HOST, a Docker context), or the
 * default socket exists. Decided without loading dockerode.
 */
export function engineConfigured(env: NodeJS.ProcessEnv = process.env, fallback = defaultSocket()): boolean {
  const host = resolveDockerEngine(env, fallback);
  return host.source !== DEFAULT_SOURCE || existsSync(host.socketPath as string);
}

// An engine's version does not change under a running process; asking once per endpoint spares every
// later run a round trip (20 concurrent runs made 20 identical calls).
const knownVersions = new Map<string, string>();

/**
 * The engine's API version, e.g. "1.41". The API version, not the product version, says what the
 * engine can do: Podman 4.3 answers version 4.3.1 with API 1.41, as Docker Engine 20.10 does.
 * An unreachable engine is an error that says what to do.
 */
export async function engineVersion(engine: Engine): Promise<string> {
  const known = knownVersions.get(engine.host.endpoint);
  if (known) return known;
  try {
    // dockerode accepts an abort signal here; its type declarations do not say so.
    const version = engine.docker.version as (options: {
      abortSignal: AbortSignal;
    }) => Promise<Docker.DockerVersion>;
    const { ApiVersion } = await version.call(engine.docker, {
      abortSignal: AbortSignal.timeout(VERSION_TIMEOUT_MS),
    });
    knownVersions.set(engine.host.endpoint, ApiVersion);
    return ApiVersion;
  } catch (error) {
    if (
      isConnectionError(error) ||
      (error as Error).name === "AbortError" ||
      (error as Error).name === "TimeoutError"
    ) {
      throw unreachableError(engine.host, error, engine.transportError?.());
    }
    throw new InfrablocksError(
      "INFRASTRUCTURE_ERROR",
      `The Docker Engine at ${engine.host.endpoint} answered with an error: ${engineMessage(error)}`,
      { blockType: "docker-container" },
    );
  }
}

/** Whether the engine maps `host-gateway` in extra hosts, which came with API 1.41 (Docker 20.10). */
export function supportsHostGateway(apiVersion: string): boolean {
  const [major = 0, minor = 0] = apiVersion.split(".").map(Number);
  return major > 1 || (major === 1 && minor >= 41);
}

// --- Internal helpers ---

/** Docker Desktop's per-user socket when present, as the docker CLI and docker-modem prefer it. */
function defaultSocket(): string {
  const userSocket = join(homedir(), ".docker", "run", "docker.sock");
  return existsSync(userSocket) ? userSocket : DEFAULT_SOCKET;
}

function tlsFiles(certPath: string | undefined): { ca?: Buffer; cert?: Buffer; key?: Buffer } {
  const directory = certPath || join(homedir(), ".docker");
  const read = (file: string) =>
    existsSync(join(directory, file)) ? readFileSync(join(directory, file)) : undefined;
  return { ca: read("ca.pem"), cert: read("cert.pem"), key: read("key.pem") };
}
