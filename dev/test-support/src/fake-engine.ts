import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";

/** A request the fake engine received. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** An HTTP server on a unix socket that answers as a test scripts it, with a dockerode client for it. */
export interface FakeEngine {
  readonly docker: Docker;
  readonly seen: SeenRequest[];
  /** Answers the next requests; the default answers 500. */
  handle(handler: (request: SeenRequest, response: ServerResponse) => void): void;
  close(): Promise<void>;
}

export async function startFakeEngine(): Promise<FakeEngine> {
  const directory = await mkdtemp(join(tmpdir(), "infrablocks-fake-engine-"));
  const socketPath = join(directory, "docker.sock");
  const seen: SeenRequest[] = [];
  let handler = (_request: SeenRequest, response: ServerResponse) => {
    response.writeHead(500).end('{"message":"no handler"}');
  };
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const seenRequest = {
      method: request.method ?? "",
      url: request.url ?? "",
      headers: request.headers,
      body: Buffer.concat(chunks).toString("utf8"),
    };
    seen.push(seenRequest);
    handler(seenRequest, response);
  });
  server.listen(socketPath);
  await once(server, "listening");
  return {
    docker: new Docker({ socketPath }),
    seen,
    handle(next) {
      handler = next;
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
