/** What a container's end means, when it says more than the status code. */
export function exitMessage(
  statusCode: number,
  oomKilled: boolean,
  memLimit: number | string | undefined,
): string | undefined {
  // Exit 137 is any SIGKILL; only the engine's OOMKilled flag says memory was the reason.
  if (oomKilled) {
    return `The container ran out of memory and was killed${memLimit === undefined ? "" : ` (memLimit ${memLimit})`}; raise memLimit or make the command use less memory.`;
  }
  if (statusCode === 137)
    return "The container was killed (SIGKILL): a stop that outlasted its grace period, or a kill.";
  if (statusCode === 143) return "The container was stopped by SIGTERM, typically a cancellation.";
  return undefined;
}
