// Browser-safe (it imports nothing): the form page masks and checks secrets with the same rules as the CLI.

/** How every masked secret prints. */
export const MASK = "********";

const SECRET_NAME_PARTS = ["KEY", "TOKEN", "SECRET", "PASSWORD"];

/** Whether an environment variable's name marks its value as secret in previews. */
export function isSecretVariableName(name: string): boolean {
  const upper = name.toUpperCase();
  return SECRET_NAME_PARTS.some((part) => upper.includes(part));
}
