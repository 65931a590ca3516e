import { request } from "node:http";

/**
 * Whether a Docker Engine answers on DOCKER_HOST (a unix socket or tcp address) or the default socket.
 * With INFRABLOCKS_REQUIRE_DOCKER=1 (as in CI) an unreachable engine throws instead, so a missing
 * service fails the run rather than skipping the suites that need it.
 */
export async function dockerAvailable(): Promise<boolean> {
  const reachable = await pingDocker();
  if (!reachable && process.env.INFRABLOCKS_REQUIRE_DOCKER === "1") {
    throw new Error(
      `INFRABLOCKS_REQUIRE_DOCKER=1 but no Docker Engine answers at ${process.env.DOCKER_HOST || "unix:///var/run/docker.sock"}.`,
    );
  }
  return reachable;
}

function pingDocker(): Promise<boolean> {
  const host = process.env.DOCKER_HOST || "unix:///var/run/docker.sock";
  const target = host.startsWith("unix://")
    ? { socketPath: host.slice("unix://".length) }
    : {
        host: new URL(host.replace(/^tcp:/, "http:")).hostname,
        port: Number(new URL(host.replace(/^tcp:/, "http:")).port),
      };
  return new Promise((resolve) => {
    const ping = request({ ...target, path: "/_ping", timeout: 3000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    ping.on("error", () => resolve(false));
    ping.on("timeout", () => {
      ping.destroy();
      resolve(false);
    });
    ping.end();
  });
}
