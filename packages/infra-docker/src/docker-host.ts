import { InfrablocksError } from "@infrablocks/core";

export const DEFAULT_SOCKET = "/var/run/docker.sock";

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
}

/**
 * Reads DOCKER_HOST (`unix://`, `tcp://`, `http(s)://`, `npipe://` or `host:port`). Unset, it is
 * `defaultSocket`. SSH is refused: it needs a transport this driver does not ship.
 */
export function resolveDockerHost(env: NodeJS.ProcessEnv, defaultSocket = DEFAULT_SOCKET): DockerHost {
  const value = env.DOCKER_HOST?.trim();
  if (!value) {
    return {
      endpoint: `unix://${defaultSocket}`,
      socketPath: defaultSocket,
      tls: false,
      source: "the default socket",
    };
  }
  const source = `DOCKER_HOST=${value}`;
  if (value.startsWith("unix://") || value.startsWith("npipe://")) {
    const scheme = value.startsWith("unix://") ? "unix://" : "npipe://";
    const socketPath = value.slice(scheme.length) || defaultSocket;
    return { endpoint: `${scheme}${socketPath}`, socketPath, tls: false, source };
  }
  if (value.startsWith("ssh://")) {
    throw new InfrablocksError(
      "INFRASTRUCTURE_ERROR",
      `${source} is not supported: reach the engine over unix:// or tcp:// (e.g. forward its socket with 'ssh -L /tmp/docker.sock:/var/run/docker.sock host').`,
      { blockType: "docker-container" },
    );
  }
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
  const tls = env.DOCKER_TLS_VERIFY === "1" || url.protocol === "https:" || url.port === "2376";
  const port = Number(url.port || (tls ? 2376 : 2375));
  // URL keeps an IPv6 address in brackets; the endpoint does too, a socket address must not.
  const hostname = url.hostname.toLowerCase();
  const host = hostname.replace(/^\[(.*)\]$/, "$1");
  return { endpoint: `tcp://${hostname}:${port}`, host, port, tls, source };
}
