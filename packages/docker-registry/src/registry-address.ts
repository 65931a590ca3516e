/** How Docker Hub is named in image references; its other spellings map to this. */
export const DOCKER_HUB = "docker.io";

// The docker CLI writes Docker Hub's credentials under "https://index.docker.io/v1/"; the engine pulls
// from registry-1.docker.io. All three name the same registry.
const DOCKER_HUB_ALIASES = new Set([DOCKER_HUB, "index.docker.io", "registry-1.docker.io"]);

/**
 * The `host[:port]` a registry address names, lowercased: `https://Registry.example.com:5000/v2/`
 * and `registry.example.com:5000` both give `registry.example.com:5000`; Docker Hub's aliases give
 * `docker.io`. Used to match credentials to the registry an image comes from.
 */
export function registryHost(address: string): string {
  const withoutScheme = address.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, "");
  const host = (withoutScheme.split("/")[0] ?? "").toLowerCase();
  return DOCKER_HUB_ALIASES.has(host) ? DOCKER_HUB : host;
}

const HOST_PATTERN =
  /^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*)(:[0-9]{1,5})?$/;

/** Whether a registry address names a host (with an optional port, scheme and path). */
export function isRegistryAddress(address: string): boolean {
  return HOST_PATTERN.test(registryHost(address));
}
