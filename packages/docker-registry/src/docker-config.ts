import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { registryHost } from "./registry-address.js";
import { type RegistryAuth, registryAuth } from "./registry-auth.js";

/** What the user's Docker config holds for one registry. */
export interface DockerConfigCredentials {
  auth?: RegistryAuth;
  /** Why credentials that seem meant for this registry cannot be used. */
  warning?: string;
}

interface AuthEntry {
  auth?: unknown;
  username?: unknown;
  password?: unknown;
  identitytoken?: unknown;
}

interface DockerConfigFile {
  auths?: Record<string, AuthEntry>;
  credsStore?: unknown;
  credHelpers?: Record<string, unknown>;
}

/**
 * The credentials the docker CLI would use to pull from `registry` (a {@link registryHost}): the
 * `auths` entries of `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. Credential helpers
 * (`credsStore`, `credHelpers`) are not called; a warning says so when one would have applied.
 */
export async function dockerConfigCredentials(
  registry: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<DockerConfigCredentials> {
  const file = join(env.DOCKER_CONFIG || join(homedir(), ".docker"), "config.json");
  let config: DockerConfigFile;
  try {
    config = JSON.parse(await readFile(file, "utf8")) as DockerConfigFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    // The file holds credentials: say what is wrong without quoting it.
    return { warning: `Ignoring the Docker config ${file}: it cannot be read as JSON.` };
  }
  for (const [address, entry] of Object.entries(config.auths ?? {})) {
    if (registryHost(address) !== registry || entry === null || typeof entry !== "object") continue;
    const auth = authFromEntry(address, entry);
    if (auth) return { auth };
    return { warning: `Ignoring the entry for '${address}' in ${file}: it holds no usable credentials.` };
  }
  const helper =
    Object.entries(config.credHelpers ?? {}).find(([address]) => registryHost(address) === registry)?.[1] ??
    config.credsStore;
  if (typeof helper === "string" && helper.length > 0) {
    return {
      warning: `${file} keeps credentials in the credential helper docker-credential-${helper}, which infrablocks does not call; pulling from '${registry}' without credentials. Give the block an imageRegistry to log in.`,
    };
  }
  return {};
}

// --- Internal helpers ---

function authFromEntry(address: string, entry: AuthEntry): RegistryAuth | undefined {
  let username = typeof entry.username === "string" ? entry.username : "";
  let password = typeof entry.password === "string" ? entry.password : undefined;
  if (typeof entry.auth === "string" && entry.auth.length > 0) {
    const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon > 0) {
      username = decoded.slice(0, colon);
      password = decoded.slice(colon + 1);
    }
  }
  const identityToken =
    typeof entry.identitytoken === "string" && entry.identitytoken.length > 0
      ? entry.identitytoken
      : undefined;
  if (identityToken) return registryAuth({ serverAddress: address, username, identityToken });
  if (username && password !== undefined) return registryAuth({ serverAddress: address, username, password });
  return undefined;
}
