import { type EngineClient, engineRequest, readBody } from "./engine-request.js";

// /version is answered from memory; an engine this slow is about to fail the request that asked anyway.
const VERSION_TIMEOUT_MS = 15_000;

/**
 * Whether the engine behind a Docker-compatible API is Podman: its `/version` lists a "Podman
 * Engine" component (the platform name is the distribution's, e.g. "linux/amd64/debian-12").
 * False when the engine cannot say.
 */
export async function isPodmanEngine(docker: EngineClient): Promise<boolean> {
  try {
    const response = await engineRequest(docker, {
      method: "GET",
      path: "/version",
      idleTimeoutMs: VERSION_TIMEOUT_MS,
    });
    return isPodmanVersion(JSON.parse(await readBody(response)));
  } catch {
    return false;
  }
}

/** Whether a `/version` answer comes from Podman. */
export function isPodmanVersion(version: unknown): boolean {
  const { Components, Platform } = (version ?? {}) as {
    Components?: { Name?: unknown }[];
    Platform?: { Name?: unknown };
  };
  const names = [...(Array.isArray(Components) ? Components.map((part) => part?.Name) : []), Platform?.Name];
  return names.some((name) => typeof name === "string" && /\bpodman\b/i.test(name));
}
