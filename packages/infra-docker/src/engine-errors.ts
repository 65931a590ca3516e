import { InfrablocksError } from "@infrablocks/core/runtime";
import type { DockerHost } from "./docker-host.js";

/** The shape of errors from docker-modem and from node's sockets. */
interface ClientError {
  statusCode?: number;
  code?: string;
  json?: unknown;
  message?: string;
}

/** The HTTP status of an engine error, if it was one. */
export function statusOf(error: unknown): number | undefined {
  return (error as ClientError | undefined)?.statusCode;
}

/**
 * What the engine said, without docker-modem's "(HTTP code 500) server error -" wrapping, scrubbed.
 * Engine messages can echo the request (an invalid Env entry, a registry URL), so they are scrubbed.
 */
export function engineMessage(error: unknown, redact?: (text: string) => string): string {
  const { json, message, code } = (error ?? {}) as ClientError;
  const fromJson =
    json !== null && typeof json === "object" && typeof (json as { message?: unknown }).message === "string"
      ? ((json as { message: string }).message as string)
      : undefined;
  const text = (fromJson ?? message ?? code ?? String(error)).trim();
  return redact ? redact(text) : text;
}

const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ENOENT",
  "EACCES",
  "EPERM",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ABORT_ERR",
]);

/** Whether an error means the engine could not be reached at all (no HTTP answer). */
export function isConnectionError(error: unknown): boolean {
  const { code, statusCode } = (error ?? {}) as ClientError;
  return statusCode === undefined && code !== undefined && CONNECTION_CODES.has(code);
}

/** The error for an engine that does not answer: where it was looked for, why it failed, what to do. */
export function unreachableError(
  host: DockerHost,
  error: unknown,
  transportError?: string,
): InfrablocksError {
  const code = (error as ClientError | undefined)?.code;
  if (host.ssh) {
    return new InfrablocksError(
      "INFRASTRUCTURE_ERROR",
      `Cannot reach the Docker Engine at ${host.endpoint} (${host.source}) through ssh: ${transportError ?? engineMessage(error)}. To fix: check that 'ssh${host.ssh.user ? ` -l ${host.ssh.user}` : ""}${host.ssh.port ? ` -p ${host.ssh.port}` : ""} ${host.ssh.host} docker version' works without a prompt (a key or ssh-agent, a known host key).`,
      { blockType: "docker-container" },
    );
  }
  const hint =
    code === "EACCES" || code === "EPERM"
      ? `permission denied: run as a member of the docker group, or point DOCKER_HOST at an engine you may use`
      : `start the Docker Engine, or set DOCKER_HOST to a running one (e.g. unix:///var/run/docker.sock or tcp://host:2375)`;
  return new InfrablocksError(
    "INFRASTRUCTURE_ERROR",
    `Cannot reach the Docker Engine at ${host.endpoint} (${host.source}): ${engineMessage(error)}. To fix: ${hint}.`,
    { blockType: "docker-container" },
  );
}
