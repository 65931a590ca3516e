import { dockerContainerBlockType } from "./docker-container-block.js";

export {
  type DockerContainerBlock,
  type DockerContainerBlockInput,
  dockerContainerBlockType,
} from "./docker-container-block.js";

/**
 * The block types this package defines, for registries. Typed by name so that the published .d.ts
 * names zod only through core's `z`: an inferred tuple would import `zod`, which this package does not declare.
 */
export const blockTypes: readonly [typeof dockerContainerBlockType] = [dockerContainerBlockType];
