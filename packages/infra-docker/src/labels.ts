/** The label every container gets, with the version of this package. */
export const VERSION_LABEL = "io.infrablocks.version";
/** The run id of the run that created the container: how `ps`, `attach` and `sweep` find it. */
export const RUN_ID_LABEL = "io.infrablocks.run-id";
/** `<hostname>:<pid>:<start time>` of the runner, to tell whether it is still alive. */
export const RUNNER_LABEL = "io.infrablocks.runner";

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
  run?: { runId: string; runner: string },
): Record<string, string> {
  const result: Record<string, string> = { [VERSION_LABEL]: version };
  for (const [key, value] of Object.entries(labels)) result[reverseDnsLabel(key)] = value;
  // Last, so that a block's labels cannot hide a run from ps and sweep.
  if (run) Object.assign(result, { [RUN_ID_LABEL]: run.runId, [RUNNER_LABEL]: run.runner });
  return result;
}
