/** Block types with this capability implement {@link Infrastructure}: run, preview and kill. */
export const RUN_INFRASTRUCTURE = "run-infrastructure";
/** Block types with this capability hold credentials that log in to an image registry. */
export const DOCKER_LOGIN = "docker-login";

/** A capability tag; the built-in ones are the constants above. */
export type Capability = string;
