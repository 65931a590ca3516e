import { InfrablocksError } from "@infrablocks/core/runtime";

/** `<docker endpoint>:<container id>`, the identifier of a container run. */
export function containerIdentifier(endpoint: string, containerId: string): string {
  return `${endpoint}:${containerId}`;
}

const CONTAINER_ID = /^[0-9a-f]{12,64}$/;

export function parseContainerIdentifier(identifier: string): { endpoint: string; containerId: string } {
  // The endpoint holds colons itself (unix:///…, tcp://host:port); the id never does.
  const separator = identifier.lastIndexOf(":");
  const endpoint = identifier.slice(0, separator);
  const containerId = identifier.slice(separator + 1);
  if (separator <= 0 || !/^[a-z]+:\/\/./.test(endpoint) || !CONTAINER_ID.test(containerId)) {
    throw new InfrablocksError(
      "INVALID_IDENTIFIER",
      `'${identifier}' is not a container identifier; expected <docker endpoint>:<container id>, e.g. unix:///var/run/docker.sock:${"0123456789ab".repeat(2)}.`,
      { blockType: "docker-container" },
    );
  }
  return { endpoint, containerId };
}
