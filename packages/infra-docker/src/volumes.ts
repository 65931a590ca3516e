// Options Docker accepts after the second colon of a bind or volume, comma-separated.
const VOLUME_MODES = new Set([
  "ro",
  "rw",
  "z",
  "Z",
  "nocopy",
  "consistent",
  "cached",
  "delegated",
  "shared",
  "rshared",
  "slave",
  "rslave",
  "private",
  "rprivate",
]);
const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/**
 * Why a `host:container[:mode]` entry is invalid, or undefined. The host side is an absolute path
 * or a named volume; a relative path is refused because the engine, not the caller, would resolve it.
 */
export function volumeProblem(spec: string): string | undefined {
  const parts = spec.split(":");
  const expected = `expected host:container[:mode], such as "/data:/data:ro" or "cache:/cache"`;
  if (parts.length < 2 || parts.length > 3) return `'${spec}': ${expected}`;
  const [host, container, mode] = parts as [string, string, string | undefined];
  if (!host.startsWith("/") && !VOLUME_NAME.test(host)) {
    return `'${spec}': the host side '${host}' must be an absolute path or a volume name`;
  }
  if (!container.startsWith("/"))
    return `'${spec}': the container side '${container}' must be an absolute path`;
  if (mode !== undefined) {
    const unknown = mode.split(",").filter((option) => !VOLUME_MODES.has(option));
    if (unknown.length > 0) {
      return `'${spec}': unknown mode '${unknown.join(",")}' (one or more of ${[...VOLUME_MODES].join(", ")})`;
    }
  }
  return undefined;
}
