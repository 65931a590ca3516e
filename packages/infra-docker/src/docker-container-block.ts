import {
  type BlockConfig,
  type BlockInput,
  defineBlockType,
  type Infrastructure,
  infrastructureFields,
  NO_NUL_BYTE,
  nestedBlock,
  RUN_INFRASTRUCTURE,
  z,
} from "@infrablocks/core";
import { dockerRegistryBlockType } from "@infrablocks/docker-registry";
import packageJson from "../package.json" with { type: "json" };
import { dockerContainerFromPrefect } from "./prefect-import.js";
import { dockerContainerProblems, MAX_MEMORY_BYTES, MIN_MEMORY_BYTES } from "./container-checks.js";
import { PULL_POLICIES } from "./pull-policy.js";
import validate from "./validators/docker-container.js";

// The image, volume and size texts are checked by dockerContainerProblems (the type's `check`), not
// by refinements: the schema stays plain JSON Schema, so the compiled validator decides alone.

// A name or path the engine hands to the kernel (a mount, a user, a network) ends at a NUL byte: refused
// here, where the engine would accept it and the container then fail to start.
const NO_NUL_MESSAGE = "holds no NUL byte";

/** A size as text, such as "512m", within Docker's limits (checked by dockerContainerProblems). */
const byteSizeText = z.string();

/** A size as a number of bytes: a whole number within Docker's limits. */
const byteCount = z.number().int().min(MIN_MEMORY_BYTES).max(MAX_MEMORY_BYTES);

const dockerContainerFields = {
  ...infrastructureFields,
  image: z.string().meta({
    description:
      'The image to run: "name", "name:tag", "registry:port/name:tag" or "name@sha256:…" (a digest pins the content).',
  }),
  imagePullPolicy: z.enum(PULL_POLICIES).optional().meta({
    title: "Image Pull Policy",
    description:
      "When to pull the image: Always, IfNotPresent or Never. Unset: an image tagged latest or untagged is pulled always, one with a digest or another tag only if absent.",
  }),
  imageRegistry: nestedBlock(dockerRegistryBlockType, {
    description:
      "Credentials to pull the image with, a docker-registry block. Unset: the credentials the Docker config (~/.docker/config.json) holds for the image's registry, if any.",
  }).optional(),
  networks: z.array(z.string().min(1).regex(NO_NUL_BYTE, NO_NUL_MESSAGE)).default([]).meta({
    description:
      "Docker networks to connect the container to: the first when it is created, the others before it starts.",
  }),
  networkMode: z.string().min(1).regex(NO_NUL_BYTE, NO_NUL_MESSAGE).optional().meta({
    description:
      "The network mode (e.g. host, bridge, none, container:<name>); cannot be combined with networks. Unset: host on Linux when INFRABLOCKS_API_URL points at localhost, else the engine's default.",
  }),
  autoRemove: z.boolean().default(false).meta({
    description: "Remove the container once it has ended and its exit code and output have been collected.",
  }),
  volumes: z.array(z.string().regex(NO_NUL_BYTE, NO_NUL_MESSAGE)).default([]).meta({
    description:
      'Volumes to mount, each "host:container[:mode]": an absolute host path or a volume name, an absolute container path, and options such as ro.',
  }),
  memLimit: z.union([byteCount, byteSizeText]).optional().meta({
    title: "Memory Limit",
    description: 'The memory limit: bytes, or a size such as "512m" or "1g".',
  }),
  memswapLimit: z
    .union([z.literal(-1), byteCount, byteSizeText])
    .optional()
    .meta({
      title: "Memory + Swap Limit",
      description:
        'The limit on memory plus swap: bytes, a size such as "1g", or -1 for unlimited swap. Needs memLimit; unset, it is twice memLimit.',
    }),
  privileged: z.boolean().default(false).meta({
    description:
      "Give the container extended privileges on the host (all devices, no confinement). Dangerous.",
  }),
  // Docker's --cpus takes hundredths at least; no host has more CPUs than this bound.
  cpuLimit: z.number().min(0.01).max(1024).optional().meta({
    title: "CPU Limit",
    description: "How many CPUs the container may use, from 0.01 to the host's CPU count, e.g. 0.5 or 2.",
  }),
  gpus: z
    .union([z.literal("all"), z.number().int().positive(), z.array(z.string().min(1)).min(1)])
    .optional()
    .meta({
      title: "GPUs",
      description:
        'GPUs to give the container, as docker run --gpus does: "all", a count, or a list of device IDs. Needs the NVIDIA container toolkit on the host.',
    }),
  user: z.string().min(1).regex(NO_NUL_BYTE, NO_NUL_MESSAGE).optional().meta({
    description: 'The user the command runs as: "name", "uid" or "uid:gid". Unset: the image\'s user.',
  }),
  // The docker CLI's rule for context names.
  dockerContext: z
    .string()
    .regex(
      /^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$/,
      "not a Docker context name: 2 or more letters, digits, '_', '.', '+' or '-', the first a letter or digit",
    )
    .optional()
    .meta({
      title: "Docker Context",
      description:
        'The Docker context (docker context ls) whose engine runs the container, as docker --context names one: it wins over DOCKER_HOST, DOCKER_CONTEXT and the current context. "default" is DOCKER_HOST, else the local socket. Unset: the engine the docker CLI would use.',
    }),
  createOptions: z.record(z.string(), z.unknown()).optional().meta({
    title: "Create Options",
    description:
      'Extra settings merged into the Docker Engine API create body (e.g. {"HostConfig": {"Init": true}}). Objects merge key by key and Env and ExtraHosts entry by entry; settings derived from the fields above win, and Tty, OpenStdin and HostConfig.AutoRemove are always false.',
  }),
};

export type DockerContainerBlock = BlockConfig<"docker-container", typeof dockerContainerFields>;

/** The `docker-container` block: a command run in a new container of a Docker Engine. */
export const dockerContainerBlockType = defineBlockType({
  slug: "docker-container",
  title: "Docker Container",
  description:
    "Runs a command in a new Docker container, pulling its image as needed, and reports the container's exit code. The engine is the one the docker CLI would use (DOCKER_HOST, a Docker context), or dockerContext's.",
  capabilities: [RUN_INFRASTRUCTURE],
  version: packageJson.version,
  package: packageJson.name,
  fields: dockerContainerFields,
  validate,
  check: dockerContainerProblems,
  fromPrefect: dockerContainerFromPrefect,
  loadInfrastructure: async (): Promise<Infrastructure<DockerContainerBlock>> =>
    (await import("./docker-container-runtime.js")).dockerContainerInfrastructure,
});

/** A `docker-container` document as written in TypeScript: defaulted fields (and `type`) optional. */
export type DockerContainerBlockInput = BlockInput<typeof dockerContainerBlockType>;
