import type { BlockProblem } from "@infrablocks/core/runtime";
import { isByteSize, toBytes } from "./byte-size.js";
import type { DockerContainerBlock } from "./docker-container-block.js";
import { imageReferenceProblem } from "./image-reference.js";
import { volumeProblem } from "./volumes.js";

/** Docker refuses a memory limit under 6 MiB ("Minimum memory limit allowed is 6MB"). */
export const MIN_MEMORY_BYTES = 6 * 2 ** 20;
/** Above this a byte count is no longer exact in JSON numbers (8 PiB, far beyond any host). */
export const MAX_MEMORY_BYTES = Number.MAX_SAFE_INTEGER;

/**
 * Values and field combinations the schema cannot express, as the block type's `check`: no engine
 * needed. The image reference, each volume and each size given as text come first.
 */
export function dockerContainerProblems(config: DockerContainerBlock): BlockProblem[] {
  const problems: BlockProblem[] = [];
  const imageProblem = imageReferenceProblem(config.image);
  if (imageProblem) problems.push({ path: "image", message: imageProblem });
  config.volumes.forEach((spec, index) => {
    const problem = volumeProblem(spec);
    if (problem) problems.push({ path: `volumes.${index}`, message: problem });
  });
  const sizeProblems = (["memLimit", "memswapLimit"] as const).flatMap((path) => {
    const value = config[path];
    const message = typeof value === "string" ? byteSizeTextProblem(value) : undefined;
    return message ? [{ path, message }] : [];
  });
  problems.push(...sizeProblems);
  if (sizeProblems.length > 0) return problems;
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

/** Why a size given as text is not one such as "512m" within Docker's limits, if it is not. */
function byteSizeTextProblem(value: string): string | undefined {
  if (!isByteSize(value)) return `'${value}' is not a size such as "512m" or "1g"`;
  const problem = memorySizeProblem(toBytes(value));
  return problem ? `'${value}' ${problem}` : undefined;
}

/** Why a size text such as "512m" is out of Docker's range, if it is. */
export function memorySizeProblem(bytes: number): string | undefined {
  if (bytes < MIN_MEMORY_BYTES) return `is ${bytes} bytes; Docker needs at least 6 MiB ("6m")`;
  if (bytes > MAX_MEMORY_BYTES)
    return 'is larger than any host\'s memory; give a size such as "512m" or "16g"';
  return undefined;
}
