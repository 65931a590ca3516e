import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError, badRequest } from "./status.js";

export interface RequestRecord {
  method: string;
  path: string;
  query: string;
  status: number;
}

const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** One request and its answer; every answer goes through `head` so the request log sees its status. */
export class Exchange {
  readonly url: URL;
  readonly method: string;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly record: RequestRecord,
  ) {
    this.url = new URL(req.url ?? "/", "https://127.0.0.1");
    this.method = (req.method ?? "GET").toUpperCase();
  }

  param(name: string): string | null {
    return this.url.searchParams.get(name);
  }

  flag(name: string): boolean {
    const value = this.param(name);
    return value === "true" || value === "1";
  }

  intParam(name: string): number | undefined {
    const value = this.param(name);
    if (value === null || value === "") return undefined;
    const n = Number(value);
    if (!Number.isInteger(n)) throw badRequest(`invalid value for ${name}: ${value}`);
    return n;
  }

  head(status: number, headers: Record<string, string | number>): void {
    this.record.status = status;
    this.res.writeHead(status, headers);
  }

  json(status: number, body: unknown, headers: Record<string, string | number> = {}): void {
    const text = JSON.stringify(body);
    this.head(status, {
      "Content-Type": "application/json",
      "Content-Length": Buffer.byteLength(text),
      ...headers,
    });
    this.res.end(text);
  }

  fail(error: ApiError, headers: Record<string, string | number> = {}): void {
    this.json(error.code, error.toStatus(), headers);
  }

  /** Reads the body as JSON; an empty body is `undefined`, which DELETE relies on. */
  async body(): Promise<unknown> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of this.req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) throw new ApiError(413, "BadRequest", "request entity too large");
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString("utf8").trim();
    if (text === "") return undefined;
    try {
      return JSON.parse(text);
    } catch (error) {
      throw badRequest(`the body of the request was in an unknown format: ${(error as Error).message}`);
    }
  }
}
