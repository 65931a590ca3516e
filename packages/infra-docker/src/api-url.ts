import { API_URL_VARIABLE, mergeEnvironment } from "@infrablocks/core/runtime";

/** The name that reaches the host from a container; on Linux it is mapped to the host gateway. */
export const HOST_ALIAS = "host.docker.internal";

export interface NetworkingInput {
  env: Readonly<Record<string, string | null>>;
  baseEnvironment: Readonly<Record<string, string>>;
  networks: readonly string[];
  networkMode: string | undefined;
  platform: NodeJS.Platform;
}

export interface Networking {
  /** The network mode to create the container with; undefined leaves it to the engine. */
  networkMode: string | undefined;
  /** The container's environment: base < block, nulls removed, the API URL rewritten when needed. */
  env: Record<string, string>;
  /** Whether to map {@link HOST_ALIAS} to the host gateway (Linux, in a mode that has its own hosts file). */
  mapHostAlias: boolean;
  warnings: string[];
}

const LOCAL_HOST = /^([a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?)(localhost|127\.0\.0\.1)(?=[:/?#]|$)/i;

/**
 * The API-URL logic of CONTRACT.md: a URL at localhost gives a Linux container the host network
 * unless `networks` or `networkMode` say otherwise; on any other network, a URL inherited from the
 * base environment is rewritten to {@link HOST_ALIAS}. A URL set in the block's own env is kept.
 */
export function planNetworking(input: NetworkingInput): Networking {
  const warnings: string[] = [];
  const fromBlock = Object.hasOwn(input.env, API_URL_VARIABLE);
  const apiUrl = fromBlock ? input.env[API_URL_VARIABLE] : input.baseEnvironment[API_URL_VARIABLE];
  const local = typeof apiUrl === "string" && pointsAtLocalhost(apiUrl, warnings);

  let networkMode = input.networkMode;
  if (networkMode === "host" && input.platform !== "linux") {
    warnings.push(`networkMode 'host' is not supported on ${input.platform} and may not work as intended.`);
  }
  if (networkMode === undefined && input.networks.length === 0 && local && input.platform === "linux") {
    networkMode = "host";
  }

  const env = mergeEnvironment(input.baseEnvironment, input.env);
  const inherited = env[API_URL_VARIABLE];
  if (!fromBlock && local && networkMode !== "host" && inherited !== undefined) {
    env[API_URL_VARIABLE] = inherited.replace(LOCAL_HOST, `$1${HOST_ALIAS}`);
  }
  // Host, none and container:<id> modes share or lack a hosts file; the engine refuses extra hosts there.
  const ownsHostsFile =
    networkMode !== "host" && networkMode !== "none" && !(networkMode ?? "").startsWith("container:");
  return { networkMode, env, mapHostAlias: input.platform === "linux" && ownsHostsFile, warnings };
}

function pointsAtLocalhost(url: string, warnings: string[]): boolean {
  try {
    const { hostname } = new URL(url);
    return hostname === "localhost" || hostname === "127.0.0.1";
  } catch {
    // The value is not quoted: a URL may carry credentials.
    warnings.push(`${API_URL_VARIABLE} is not a valid URL; the network mode is not inferred from it.`);
    return false;
  }
}
