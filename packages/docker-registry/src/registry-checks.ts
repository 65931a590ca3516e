import type { BlockProblem } from "@infrablocks/core/runtime";
import type { DockerRegistryBlock } from "./docker-registry-block.js";
import { isRegistryAddress } from "./registry-address.js";

/** The values the schema cannot check, as the block type's `check`. */
export function dockerRegistryProblems(config: DockerRegistryBlock): BlockProblem[] {
  return isRegistryAddress(config.registryUrl)
    ? []
    : [{ path: "registryUrl", message: 'expected a registry address such as "registry.example.com:5000"' }];
}
