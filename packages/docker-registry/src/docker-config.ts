import { homedir } from "node:os";
import { join } from "node:path";
import { askCredentialHelper } from "./credential-helper.js";
import { DOCKER_HUB, registryHost } from "./registry-address.js";
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
 * The credentials the docker CLI would use to pull from `registry` (a {@link registryHost}), found in
 * `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`, in the CLI's order: the registry's
 * `credHelpers` entry, else the `credsStore` helper, else the `auths` entries. A helper that fails
 * gives a warning and the pull goes on without credentials.
 */
export async function dockerConfigCredentials(
  registry: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<DockerConfigCredentials> {
  const file = join(env.DOCKER_CONFIG || join(homedir(), ".docker"), "config.json");
  // node:fs/promises loads on first use, not with the module: a preview asks for no credentials.
  const { readFile } = process.getBuiltinModule("node:fs/promises");
  let config: DockerConfigFile;
  try {
    config = JSON.parse(await readFile(file, "utf8")) as DockerConfigFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    // The file holds credentials: say what is wrong without quoting it.
    return { warning: `Ignoring the Docker config ${file}: it cannot be read as JSON.` };
  }
  const helperEntry = Object.entries(config.credHelpers ?? {}).find(
    ([address, name]) => registryHost(address) === registry && typeof name === "string" && name.length > 0,
  );
  const helper = helperEntry
    ? { name: helperEntry[1] as string, address: helperEntry[0] }
    : typeof config.credsStore === "string" && config.credsStore.length > 0
      ? { name: config.credsStore, address: helperAddress(registry) }
      : undefined;
  if (helper) {
    const answer = await askCredentialHelper(helper.name, helper.address, env);
    if ("error" in answer) {
      return { warning: `${answer.error} (${file}); pulling from '${registry}' without credentials.` };
    }
    if (answer.found) {
      return {
        auth: registryAuth(
          answer.identityToken
            ? { serverAddress: helper.address, username: "", identityToken: answer.secret }
            : { serverAddress: helper.address, username: answer.username, password: answer.secret },
        ),
      };
    }
  }
  for (const [address, entry] of Object.entries(config.auths ?? {})) {
    if (registryHost(address) !== registry || entry === null || typeof entry !== "object") continue;
    const auth = authFromEntry(address, entry);
    if (auth) return { auth };
    return { warning: `Ignoring the entry for '${address}' in ${file}: it holds no usable credentials.` };
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

/** The address `docker login` stores a registry's credentials under, which a helper is asked for. */
function helperAddress(registry: string): string {
  return registry === DOCKER_HUB ? "https://index.docker.io/v1/" : registry;
}
