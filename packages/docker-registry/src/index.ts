import { dockerRegistryBlockType } from "./docker-registry-block.js";

export {
  type DockerRegistryBlock,
  type DockerRegistryBlockInput,
  dockerRegistryBlockType,
} from "./docker-registry-block.js";
export { type DockerConfigCredentials, dockerConfigCredentials } from "./docker-config.js";
export {
  type EngineClient,
  type EngineRequestOptions,
  engineErrorMessage,
  engineRequest,
  readBody,
} from "./engine-request.js";
export { loginToRegistry } from "./login.js";
export { DOCKER_HUB, isRegistryAddress, registryHost } from "./registry-address.js";
export { type RegistryAuth, type RegistryCredentials, registryAuth } from "./registry-auth.js";

/** The block types this package defines, for registries. */
export const blockTypes = [dockerRegistryBlockType] as const;
