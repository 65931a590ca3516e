import { DOCKER_HUB } from "@infrablocks/docker-registry/runtime";

/** An image reference split as the engine reads it (the grammar of distribution/reference). */
export interface ImageReference {
  /** The reference as written. */
  readonly text: string;
  /** The registry's `host[:port]`; `docker.io` when the reference names none. */
  readonly registry: string;
  /** The name without tag or digest, as written: `busybox`, `host:5000/team/app`. */
  readonly repository: string;
  readonly tag?: string;
  /** `algorithm:hex`, e.g. `sha256:…`; when present the engine ignores the tag. */
  readonly digest?: string;
}

const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = new RegExp(
  `^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?$`,
);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const MAX_NAME_LENGTH = 255;

/** Splits an image reference; throws an Error whose message says what is wrong with it. */
export function parseImageReference(text: string): ImageReference {
  const at = text.indexOf("@");
  const nameAndTag = at === -1 ? text : text.slice(0, at);
  const digest = at === -1 ? undefined : text.slice(at + 1);
  // A tag follows the last colon after the last slash; a colon before a slash is a registry port.
  const colon = nameAndTag.lastIndexOf(":");
  const hasTag = colon > nameAndTag.lastIndexOf("/");
  const repository = hasTag ? nameAndTag.slice(0, colon) : nameAndTag;
  const tag = hasTag ? nameAndTag.slice(colon + 1) : undefined;

  if (repository.length === 0) throw new Error(`'${text}' names no repository`);
  if (repository.length > MAX_NAME_LENGTH) {
    throw new Error(`'${text}' has a repository name longer than ${MAX_NAME_LENGTH} characters`);
  }
  if (tag !== undefined && !TAG.test(tag)) {
    throw new Error(`'${text}' has an invalid tag '${tag}' (letters, digits, '_', '.', '-'; at most 128)`);
  }
  if (digest !== undefined && !DIGEST.test(digest)) {
    throw new Error(`'${text}' has an invalid digest '${digest}' (expected e.g. sha256:<64 hex digits>)`);
  }

  const components = repository.split("/");
  const first = components[0] as string;
  // distribution/reference: the first component is a registry when it looks like a host.
  const hasRegistry =
    components.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost");
  if (hasRegistry && !DOMAIN.test(first)) throw new Error(`'${text}' has an invalid registry '${first}'`);
  for (const component of hasRegistry ? components.slice(1) : components) {
    if (!PATH_COMPONENT.test(component)) {
      throw new Error(
        `'${text}' has an invalid name component '${component}' (lowercase letters and digits, separated by '.', '_', '__' or '-')`,
      );
    }
  }
  return {
    text,
    registry: hasRegistry ? first.toLowerCase() : DOCKER_HUB,
    repository,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

/** Why a reference is invalid, or undefined when it is valid; for schema validation. */
export function imageReferenceProblem(text: string): string | undefined {
  try {
    parseImageReference(text);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
