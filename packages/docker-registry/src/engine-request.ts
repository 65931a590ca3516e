import type { IncomingMessage } from "node:http";

/**
 * A Docker client as this package needs it: a dockerode instance fits, but the type is written here so
 * that the registry block does not depend on the Docker SDK.
 */
export interface EngineClient {
  readonly modem: unknown;
}

/** The connection settings of a dockerode client's modem that a direct request needs. */
interface ModemConnection {
  socketPath?: string | (() => string | Promise<string>);
  host?: string;
  port?: string | number;
  protocol?: string;
  version?: string;
  ca?: string | string[] | Buffer | Buffer[];
  cert?: string | string[] | Buffer | Buffer[];
  key?: string | string[] | Buffer | Buffer[];
}

export interface EngineRequestOptions {
  method: "GET" | "POST";
  /** Path and query, e.g. `/images/create?fromImage=busybox&tag=1.36`. */
  path: string;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** The request fails when the engine sends nothing for this long, before or during the response. */
  idleTimeoutMs: number;
}

/**
 * One request to the engine that bypasses docker-modem. Requests carrying registry credentials use
 * it: docker-modem prints every request's headers (X-Registry-Auth among them) when DEBUG=modem, and
 * its errors keep the response they came with. Resolves once the response headers arrive.
 */
export async function engineRequest(
  docker: EngineClient,
  options: EngineRequestOptions,
): Promise<IncomingMessage> {
  const modem = docker.modem as ModemConnection;
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string | number> = { ...options.headers };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    headers["Content-Length"] = Buffer.byteLength(body);
  }
  const path = `${modem.version ? `/${modem.version}` : ""}${options.path}`;
  const socketPath = typeof modem.socketPath === "function" ? await modem.socketPath() : modem.socketPath;
  const tls = modem.protocol === "https";
  const target = socketPath
    ? { socketPath }
    : {
        host: modem.host,
        port: modem.port,
        ...(tls ? { ca: modem.ca, cert: modem.cert, key: modem.key } : {}),
      };
  // Loaded when a request is sent, not with the module: a preview never sends one (BENCHMARKS.md).
  const { request: send } = process.getBuiltinModule(tls && !socketPath ? "node:https" : "node:http");
  return new Promise((resolve, reject) => {
    const request = send({ ...target, method: options.method, path, headers }, resolve);
    request.setTimeout(options.idleTimeoutMs, () =>
      request.destroy(new Error(`the Docker Engine sent nothing for ${options.idleTimeoutMs / 1000}s`)),
    );
    request.on("error", reject);
    request.end(body);
  });
}

/** A response body as text, read up to `limit` bytes (error bodies are short; this bounds a bad one). */
export async function readBody(response: IncomingMessage, limit = 1 << 20): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      response.destroy();
      break;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The `message` of an engine error body, else the body itself. */
export function engineErrorMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === "string") return parsed.message;
  } catch {
    // Not JSON: the body is the message.
  }
  return body.trim();
}
