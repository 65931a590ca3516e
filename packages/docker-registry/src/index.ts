import { dockerRegistryBlockType } from "./docker-registry-block.js";

export {
  type DockerRegistryBlock,
  type DockerRegistryBlockInput,
  dockerRegistryBlockType,
} from "./docker-registry-block.js";
export { type DockerConfigCredentials, dockerConfigCredentials } from "./docker-config.js";
export { isPodmanEngine, isPodmanVersion } from "./engine-product.js";
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

/**
 * The block types this package defines, for registries. Typed by name so that the published .d.ts
 * names zod only through core's `z`: an inferred tuple would import `zod`, which this package does not declare.
 */
export const blockTypes: readonly [typeof dockerRegistryBlockType] = [dockerRegistryBlockType];
