import {
  type BlockConfig,
  type BlockInput,
  DOCKER_LOGIN,
  defineBlockType,
  secret,
  z,
} from "@infrablocks/core";
import packageJson from "../package.json" with { type: "json" };
import { dockerRegistryFromPrefect } from "./prefect-import.js";
import { dockerRegistryProblems } from "./registry-checks.js";
import validate from "./validators/docker-registry.js";

const dockerRegistryFields = {
  username: z.string().min(1).meta({ description: "The username to log into the registry with." }),
  password: secret(z.string().min(1), {
    description: "The password, or access token, to log into the registry with.",
  }),
  // Checked by dockerRegistryProblems (the type's `check`): a refinement would keep the compiled validator from deciding alone.
  registryUrl: z.string().meta({
    title: "Registry URL",
    description:
      'The address of the registry, e.g. "registry.example.com:5000"; "https://" or "http://" may be omitted. Images pulled with these credentials must come from this registry.',
  }),
  reauth: z.boolean().default(true).meta({
    description:
      "Check the credentials with the Docker Engine before every pull. When false, a successful check is remembered for the rest of the process.",
  }),
};

export type DockerRegistryBlock = BlockConfig<"docker-registry", typeof dockerRegistryFields>;

/** The `docker-registry` block: credentials for a private image registry, used for pulls. */
export const dockerRegistryBlockType = defineBlockType({
  slug: "docker-registry",
  title: "Docker Registry",
  description:
    "Credentials for a private image registry. Docker containers use them to pull their image; they are sent with each pull and never written to the Docker config.",
  capabilities: [DOCKER_LOGIN],
  version: packageJson.version,
  package: packageJson.name,
  fields: dockerRegistryFields,
  validate,
  check: dockerRegistryProblems,
  fromPrefect: dockerRegistryFromPrefect,
});

/** A `docker-registry` document as written in TypeScript: defaulted fields (and `type`) optional. */
export type DockerRegistryBlockInput = BlockInput<typeof dockerRegistryBlockType>;
