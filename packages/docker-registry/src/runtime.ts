// `@infrablocks/docker-registry/runtime`: the registry helpers a Docker runtime uses (credentials,
// logins, Engine requests), without the block type and so without zod. The main entry re-exports it.
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
