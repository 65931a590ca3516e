import type { BlockProblem } from "@infrablocks/core";
import { toBytes } from "./byte-size.js";
import type { DockerContainerBlock } from "./docker-container-block.js";

/** Docker refuses a memory limit under 6 MiB ("Minimum memory limit allowed is 6MB"). */
export const MIN_MEMORY_BYTES = 6 * 2 ** 20;
/** Above this a byte count is no longer exact in JSON numbers (8 PiB, far beyond any host). */
export const MAX_MEMORY_BYTES = Number.MAX_SAFE_INTEGER;

/** Field combinations the schema cannot express, as the block type's `check`: no engine needed. */
export function dockerContainerProblems(config: DockerContainerBlock): BlockProblem[] {
  const problems: BlockProblem[] = [];
  if (config.networkMode !== undefined && config.networks.length > 0) {
    problems.push({
      path: "networkMode",
      message:
        "cannot be combined with networks; set one or the other (networkMode: host, or networks: [my-net])",
    });
  }
  if (config.memswapLimit !== undefined && config.memLimit === undefined) {
    problems.push({ path: "memswapLimit", message: 'needs memLimit as well (e.g. memLimit: "512m")' });
  }
  if (config.memswapLimit !== undefined && config.memLimit !== undefined) {
    const swap = toBytes(config.memswapLimit);
    if (swap !== -1 && swap < toBytes(config.memLimit)) {
      problems.push({
        path: "memswapLimit",
        message: "must be at least memLimit (it is memory plus swap), or -1 for unlimited swap",
      });
    }
  }
  return problems;
}

/** Why a size text such as "512m" is out of Docker's range, if it is. */
export function memorySizeProblem(bytes: number): string | undefined {
  if (bytes < MIN_MEMORY_BYTES) return `is ${bytes} bytes; Docker needs at least 6 MiB ("6m")`;
  if (bytes > MAX_MEMORY_BYTES)
    return 'is larger than any host\'s memory; give a size such as "512m" or "16g"';
  return undefined;
}
