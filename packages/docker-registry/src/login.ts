import { InfrablocksError, MASK, Redactor } from "@infrablocks/core/runtime";
import type { DockerRegistryBlock } from "./docker-registry-block.js";
import { isPodmanEngine } from "./engine-product.js";
import { type EngineClient, engineErrorMessage, engineRequest, readBody } from "./engine-request.js";
import { type RegistryAuth, registryAuth } from "./registry-auth.js";

/** Logins that succeeded in this process, for blocks with `reauth: false`: key → identity token or "". */
const verifiedLogins = new Map<string, string>();

// The engine asks the registry, which may be slow to answer; a dead one must not hang a run.
const LOGIN_IDLE_TIMEOUT_MS = 60_000;
/** Go's answer to a TLS handshake sent to a plain-HTTP server. */
const HTTPS_TO_PLAIN_HTTP = /server gave HTTP response to HTTPS client/;

/**
 * Checks a registry's credentials with the engine (`POST /auth`) and returns what a pull sends with
 * them. Nothing is written to `~/.docker/config.json` and the engine keeps no login state: each pull
 * carries the credentials itself. Wrong credentials fail here, with a message that names the registry
 * and never the password.
 *
 * Podman 4.3's `/auth` reaches every registry over HTTPS, even one that `registries.conf` marks
 * insecure, where its pulls use HTTP. On Podman that one failure is passed over: the credentials go
 * unchecked with the pull, and a registry that refuses them fails the pull instead.
 */
export async function loginToRegistry(
  docker: EngineClient,
  registry: DockerRegistryBlock,
): Promise<RegistryAuth> {
  const credentials = { serverAddress: registry.registryUrl, username: registry.username };
  const cacheKey = registry.reauth ? undefined : loginKey(docker, registry);
  const remembered = cacheKey === undefined ? undefined : verifiedLogins.get(cacheKey);
  if (remembered !== undefined) {
    return registryAuth({
      ...credentials,
      password: registry.password,
      identityToken: remembered || undefined,
    });
  }

  const redactor = new Redactor();
  redactor.add(registry.password);
  const where = `registry '${registry.registryUrl}'`;
  let status: number | undefined;
  let body: string;
  try {
    const response = await engineRequest(docker, {
      method: "POST",
      path: "/auth",
      body: { username: registry.username, password: registry.password, serveraddress: registry.registryUrl },
      idleTimeoutMs: LOGIN_IDLE_TIMEOUT_MS,
    });
    status = response.statusCode;
    body = await readBody(response);
  } catch (error) {
    throw new InfrablocksError(
      "INFRASTRUCTURE_ERROR",
      `Cannot log in to ${where}: the Docker Engine did not answer (${redactor.redact((error as Error).message)}).`,
      { blockType: "docker-registry" },
    );
  }

  if (status === 200) {
    const identityToken = identityTokenOf(body);
    if (cacheKey !== undefined) verifiedLogins.set(cacheKey, identityToken ?? "");
    return registryAuth({ ...credentials, password: registry.password, identityToken });
  }
  const reason = redactor.redact(engineErrorMessage(body));
  if (HTTPS_TO_PLAIN_HTTP.test(reason) && (await isPodmanEngine(docker))) {
    return registryAuth({ ...credentials, password: registry.password });
  }
  if (status === 401 || /unauthorized|incorrect username or password|authentication required/i.test(reason)) {
    throw new InfrablocksError(
      "INFRASTRUCTURE_ERROR",
      `Logging in to ${where} as '${registry.username}' failed: the registry rejected the username or password (password ${MASK}). Check the block's username and password. The engine said: ${reason}`,
      { blockType: "docker-registry" },
    );
  }
  throw new InfrablocksError(
    "INFRASTRUCTURE_ERROR",
    `Logging in to ${where} as '${registry.username}' failed (HTTP ${status}): ${reason}`,
    { blockType: "docker-registry" },
  );
}

// --- Internal helpers ---

function identityTokenOf(body: string): string | undefined {
  try {
    const token = (JSON.parse(body) as { IdentityToken?: unknown }).IdentityToken;
    return typeof token === "string" && token.length > 0 ? token : undefined;
  } catch {
    return undefined;
  }
}

/** One engine, registry, user and password; the password enters only as a hash. */
function loginKey(docker: EngineClient, registry: DockerRegistryBlock): string {
  const modem = docker.modem as { socketPath?: unknown; host?: unknown; port?: unknown };
  const engine = typeof modem.socketPath === "string" ? modem.socketPath : `${modem.host}:${modem.port}`;
  // node:crypto loads on first use, not with the module: a preview logs in nowhere.
  const { createHash } = process.getBuiltinModule("node:crypto");
  const password = createHash("sha256").update(registry.password).digest("hex");
  return JSON.stringify([engine, registry.registryUrl, registry.username, password]);
}
