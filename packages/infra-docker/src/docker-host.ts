import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { InfrablocksError } from "@infrablocks/core/runtime";

export const DEFAULT_SOCKET = "/var/run/docker.sock";
/** The `source` of the engine when nothing names one. */
export const DEFAULT_SOURCE = "the default socket";

/** Where the engine is, read from DOCKER_HOST the way the docker CLI reads it. */
export interface DockerHost {
  /** A stable name for the engine, the first part of identifiers: `unix:///var/run/docker.sock`, `tcp://host:2375`. */
  readonly endpoint: string;
  readonly socketPath?: string;
  readonly host?: string;
  readonly port?: number;
  /** TLS, as DOCKER_TLS_VERIFY=1 or port 2376 ask. */
  readonly tls: boolean;
  /** Where the setting came from, for messages. */
  readonly source: string;
  /** The directory of a context's TLS material (ca.pem, cert.pem, key.pem), instead of DOCKER_CERT_PATH. */
  readonly certPath?: string;
  /** For `ssh://[user@]host[:port]`: the engine is reached through `docker system dial-stdio` there. */
  readonly ssh?: SshTarget;
}

export interface SshTarget {
  readonly host: string;
  readonly user?: string;
  readonly port?: number;
}

/**
 * Picks the engine in the docker CLI's order: `dockerContext` (a block's field, as `docker --context`
 * names one), else DOCKER_HOST, else the context DOCKER_CONTEXT names, else the Docker config's
 * `currentContext`, else `defaultSocket`. Contexts are read from the CLI's store under
 * `$DOCKER_CONFIG/contexts` (`~/.docker/contexts`). The context "default" is DOCKER_HOST, else the socket.
 */
export function resolveDockerEngine(
  env: NodeJS.ProcessEnv,
  defaultSocket = DEFAULT_SOCKET,
  dockerContext?: string,
): DockerHost {
  const configDirectory = env.DOCKER_CONFIG || join(homedir(), ".docker");
  if (dockerContext) {
    // As with `docker --context`, a context named explicitly wins over DOCKER_HOST.
    if (dockerContext === "default") return resolveDockerHost(env, defaultSocket);
    return contextHost(dockerContext, `dockerContext '${dockerContext}'`, configDirectory, defaultSocket);
  }
  if (env.DOCKER_HOST?.trim()) return resolveDockerHost(env, defaultSocket);
  const fromEnv = env.DOCKER_CONTEXT?.trim();
  const name = fromEnv || currentContext(configDirectory);
  if (!name || name === "default") return resolveDockerHost({ ...env, DOCKER_HOST: "" }, defaultSocket);
  const source = fromEnv ? `DOCKER_CONTEXT=${name}` : `the current Docker context '${name}'`;
  return contextHost(name, source, configDirectory, defaultSocket);
}

/**
 * Reads DOCKER_HOST (`unix://`, `tcp://`, `http(s)://`, `npipe://`, `ssh://` or `host:port`). Unset,
 * it is `defaultSocket`.
 */
export function resolveDockerHost(env: NodeJS.ProcessEnv, defaultSocket = DEFAULT_SOCKET): DockerHost {
  const value = env.DOCKER_HOST?.trim();
  if (!value) {
    return {
      endpoint: `unix://${defaultSocket}`,
      socketPath: defaultSocket,
      tls: false,
      source: DEFAULT_SOURCE,
    };
  }
  const source = `DOCKER_HOST=${value}`;
  if (value.startsWith("unix://") || value.startsWith("npipe://")) {
    const scheme = value.startsWith("unix://") ? "unix://" : "npipe://";
    const socketPath = value.slice(scheme.length) || defaultSocket;
    return { endpoint: `${scheme}${socketPath}`, socketPath, tls: false, source };
  }
  if (value.startsWith("ssh://")) return sshHost(value, source);
  let url: URL;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(value) ? value.replace(/^tcp:/i, "http:") : `http://${value}`);
  } catch {
    throw new InfrablocksError(
      "INFRASTRUCTURE_ERROR",
      `${source} is not an address; expected unix:///path/to/docker.sock or tcp://host:port.`,
      { blockType: "docker-container" },
    );
  }
  // As the docker CLI refuses it: a scheme it does not speak is a typo, not a TCP address.
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InfrablocksError(
      "INFRASTRUCTURE_ERROR",
      `${source} has the scheme '${url.protocol.slice(0, -1)}', which Docker does not speak; use unix:///path/to/docker.sock, tcp://host:port, ssh://user@host or npipe://.`,
      { blockType: "docker-container" },
    );
  }
  const tls = env.DOCKER_TLS_VERIFY === "1" || url.protocol === "https:" || url.port === "2376";
  const port = Number(url.port || (tls ? 2376 : 2375));
  // URL keeps an IPv6 address in brackets; the endpoint does too, a socket address must not.
  const hostname = url.hostname.toLowerCase();
  const host = hostname.replace(/^\[(.*)\]$/, "$1");
  return { endpoint: `tcp://${hostname}:${port}`, host, port, tls, source };
}

// --- Internal helpers ---

/** The engine of a context in the CLI's store: its `meta.json` endpoint and its TLS material. */
function contextHost(
  name: string,
  source: string,
  configDirectory: string,
  defaultSocket: string,
): DockerHost {
  // node:crypto loads here, not with the module: most engines are found without a context.
  const { createHash } = process.getBuiltinModule("node:crypto");
  const id = createHash("sha256").update(name).digest("hex");
  const metaFile = join(configDirectory, "contexts", "meta", id, "meta.json");
  let meta: { Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } } };
  try {
    meta = JSON.parse(readFileSync(metaFile, "utf8"));
  } catch {
    throw new InfrablocksError(
      "INFRASTRUCTURE_ERROR",
      `${source}: no such Docker context (no readable ${metaFile}). List them with 'docker context ls'.`,
      { blockType: "docker-container" },
    );
  }
  const hostValue = meta.Endpoints?.docker?.Host;
  if (typeof hostValue !== "string" || !hostValue) {
    throw new InfrablocksError(
      "INFRASTRUCTURE_ERROR",
      `${source}: the context has no Docker endpoint; recreate it with 'docker context create ${name} --docker host=…'.`,
      { blockType: "docker-container" },
    );
  }
  const tlsDirectory = join(configDirectory, "contexts", "tls", id, "docker");
  const hasTls = existsSync(join(tlsDirectory, "ca.pem")) || existsSync(join(tlsDirectory, "cert.pem"));
  const host = resolveDockerHost(
    { DOCKER_HOST: hostValue, DOCKER_TLS_VERIFY: hasTls ? "1" : "" },
    defaultSocket,
  );
  return {
    ...host,
    source: `${source} (${hostValue})`,
    ...(hasTls && host.tls ? { certPath: tlsDirectory } : {}),
  };
}

/** `ssh://[user@]host[:port]`, read as the docker CLI reads it: no password, no path. */
function sshHost(value: string, source: string): DockerHost {
  const wrong = (what: string) =>
    new InfrablocksError("INFRASTRUCTURE_ERROR", `${source}: ${what}; expected ssh://[user@]host[:port].`, {
      blockType: "docker-container",
    });
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw wrong("not an address");
  }
  if (!url.hostname) throw wrong("no host");
  if (url.password) throw wrong("a password in the address is not supported (use a key or ssh-agent)");
  if (url.pathname !== "" && url.pathname !== "/")
    throw wrong(`no path may follow the host ('${url.pathname}')`);
  const user = url.username ? decodeURIComponent(url.username) : undefined;
  const port = url.port ? Number(url.port) : undefined;
  const hostname = url.hostname.toLowerCase();
  const endpoint = `ssh://${url.username ? `${url.username}@` : ""}${hostname}${port ? `:${port}` : ""}`;
  const ssh = {
    host: hostname.replace(/^\[(.*)\]$/, "$1"),
    ...(user ? { user } : {}),
    ...(port ? { port } : {}),
  };
  return { endpoint, tls: false, source, ssh };
}

function currentContext(configDirectory: string): string | undefined {
  try {
    const config = JSON.parse(readFileSync(join(configDirectory, "config.json"), "utf8")) as {
      currentContext?: unknown;
    };
    return typeof config.currentContext === "string" ? config.currentContext : undefined;
  } catch {
    // No config, or one that is not JSON: the credentials reader reports that; here it means no context.
    return undefined;
  }
}
