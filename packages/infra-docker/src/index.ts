import { dockerContainerBlockType } from "./docker-container-block.js";

export {
  type DockerContainerBlock,
  type DockerContainerBlockInput,
  dockerContainerBlockType,
} from "./docker-container-block.js";

/** The block types this package defines, for registries. */
export const blockTypes = [dockerContainerBlockType] as const;
