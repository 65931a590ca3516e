/** The label every container gets, with the version of this package. */
export const VERSION_LABEL = "io.infrablocks.version";

/**
 * Docker's convention for label keys is reverse DNS: `infrablocks.io/run` becomes
 * `io.infrablocks.run` (the part before the first `/` is a domain, reversed). Keys without `/` stay.
 */
export function reverseDnsLabel(key: string): string {
  const slash = key.indexOf("/");
  if (slash === -1) return key;
  const domain = key.slice(0, slash);
  const name = key.slice(slash + 1);
  const reversed = domain.split(".").filter(Boolean).reverse().join(".");
  return reversed ? `${reversed}.${name}` : name;
}

/**
 * The labels a container is created with. Converted at run time, so labels added to a block after
 * it was validated are converted too (Prefect converted only at construction).
 */
export function containerLabels(
  labels: Readonly<Record<string, string>>,
  version: string,
): Record<string, string> {
  const result: Record<string, string> = { [VERSION_LABEL]: version };
  for (const [key, value] of Object.entries(labels)) result[reverseDnsLabel(key)] = value;
  return result;
}
