import { dockerRegistryBlockType } from "./docker-registry-block.js";

export {
  type DockerRegistryBlock,
  type DockerRegistryBlockInput,
  dockerRegistryBlockType,
} from "./docker-registry-block.js";
export * from "./runtime.js";

/**
 * The block types this package defines, for registries. Typed by name so that the published .d.ts
 * names zod only through core's `z`: an inferred tuple would import `zod`, which this package does not declare.
 */
export const blockTypes: readonly [typeof dockerRegistryBlockType] = [dockerRegistryBlockType];
