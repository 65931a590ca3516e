import { request as httpRequest, type IncomingMessage, type RequestOptions } from "node:http";
import { request as httpsRequest } from "node:https";
import { existsSync } from "node:fs";
import { InfrablocksError, stringifyYaml } from "@infrablocks/core/runtime";
import type { KubeConfig } from "@kubernetes/client-node";

import { isRecord } from "./is-record.js";
import { clientKubeconfig, kubeconfigObject } from "./kubeconfig.js";
import type { KubernetesClusterConfigBlock } from "./kubernetes-cluster-config-block.js";
import { MAX_ATTEMPTS, pause, retryDelayMs } from "./retry.js";

/** A Kubernetes API error: the status code, the Status reason, and a message safe to show. */
export class KubeApiError extends Error {
  override readonly name = "KubeApiError";
  constructor(
    readonly status: number,
    readonly reason: string | undefined,
    message: string,
    /** From a Retry-After header, when the server sent one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Which failures a request may be retried on. */
export type RetryPolicy =
  /** Reads, watches, deletes: 429, 5xx and dropped connections. */
  | "idempotent"
  /** Creates: only 429, which the apiserver answers before doing anything; a 5xx may have created it. */
  | "throttled-only";

export interface RequestSettings {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  signal?: AbortSignal;
  retry?: RetryPolicy;
}

const IN_CLUSTER_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

/**
 * A client for one run: its own KubeConfig (no global state), credentials and TLS from
 * `@kubernetes/client-node` (exec plugins and token files are re-applied on every request, so
 * rotating tokens keep working), and plain HTTP on top so that watch and log streams, Retry-After
 * and error bodies are under our control. Every message it produces passes through the context's
 * `redact`, which masks the block's secrets (the kubeconfig's credentials among them).
 */
export class KubeClient {
  readonly server: string;
  readonly #config: KubeConfig;
  readonly #redact: (text: string) => string;
  #agent: RequestOptions["agent"];
  /** Whether the API server has answered once: only then can a failed connection be a passing fault. */
  #answered = false;

  private constructor(config: KubeConfig, redact: (text: string) => string) {
    this.#config = config;
    this.#redact = redact;
    const cluster = config.getCurrentCluster();
    if (!cluster) {
      throw new InfrablocksError(
        "INFRASTRUCTURE_ERROR",
        "No Kubernetes cluster is configured: set clusterConfig, run inside a cluster, or point KUBECONFIG at a kubeconfig.",
        { blockType: "kubernetes-job" },
      );
    }
    this.server = cluster.server.replace(/\/+$/, "");
  }

  /**
   * A client from the block's cluster config; without one, the in-cluster service account when
   * running in a pod, else `KUBECONFIG` or `~/.kube/config`. `redact` is the driver context's.
   */
  static async create(
    clusterConfig: KubernetesClusterConfigBlock | undefined,
    redact: (text: string) => string,
  ): Promise<KubeClient> {
    // The SDK is large (seconds to load on a slow machine): only a command that talks to a cluster pays for it.
    const { KubeConfig } = await import("@kubernetes/client-node");
    const config = new KubeConfig();
    try {
      if (clusterConfig) {
        config.loadFromString(stringifyYaml(clientKubeconfig(kubeconfigObject(clusterConfig.config))));
        const context = clusterConfig.contextName ?? config.getCurrentContext();
        config.setCurrentContext(context);
      } else if (process.env.KUBERNETES_SERVICE_HOST && existsSync(IN_CLUSTER_TOKEN)) {
        config.loadFromCluster();
      } else {
        config.loadFromDefault();
      }
    } catch (error) {
      throw new InfrablocksError(
        "INFRASTRUCTURE_ERROR",
        `The kubeconfig cannot be loaded: ${redact((error as Error).message)}`,
        { blockType: "kubernetes-job" },
      );
    }
    return new KubeClient(config, redact);
  }

  /** Text with the block's secrets masked. */
  redact(text: string): string {
    return this.#redact(text);
  }

  /** A JSON request, retried per `settings.retry` (default: idempotent). */
  async request<T>(method: string, path: string, settings: RequestSettings = {}): Promise<T> {
    return this.#withRetries(settings, async () => {
      const response = await this.#send(method, path, settings);
      const text = await readBody(response);
      if ((response.statusCode ?? 0) >= 300) throw this.#apiError(response, text, method, path);
      return (text === "" ? undefined : JSON.parse(text)) as T;
    });
  }

  /**
   * Opens a streaming GET (a watch or a log follow). Connection failures, 429 and 5xx are retried;
   * other statuses throw a {@link KubeApiError}. The caller reads and ends the response.
   */
  async stream(path: string, settings: RequestSettings = {}): Promise<IncomingMessage> {
    return this.#withRetries(settings, async () => {
      const response = await this.#send("GET", path, settings);
      if (response.statusCode === 200) {
        // Detects a peer that vanished without closing the connection.
        response.socket.setKeepAlive(true, 30_000);
        return response;
      }
      throw this.#apiError(response, await readBody(response), "GET", path);
    });
  }

  /** An error for a failure this client did not produce itself (a stream dropped mid-way), scrubbed. */
  describe(error: unknown): string {
    return this.redact(error instanceof Error ? error.message : String(error));
  }

  async #withRetries<T>(settings: RequestSettings, attempt: () => Promise<T>): Promise<T> {
    const policy = settings.retry ?? "idempotent";
    for (let tries = 0; ; tries++) {
      try {
        return await attempt();
      } catch (error) {
        if (settings.signal?.aborted) throw settings.signal.reason;
        if (error instanceof InfrablocksError) throw error;
        if (!this.#answered && isConnectionFailure(error)) throw this.#unreachable(error);
        if (!this.#answered && isTlsVerificationFailure(error)) throw this.#untrusted(error);
        if (error instanceof KubeApiError && error.status === 401) throw this.#unauthorized(error);
        if (tries + 1 >= MAX_ATTEMPTS || !isRetryable(error, policy)) throw this.#scrubbed(error);
        const retryAfter = error instanceof KubeApiError ? error.retryAfterMs : undefined;
        await pause(retryDelayMs(tries, retryAfter), settings.signal);
      }
    }
  }

  async #send(method: string, path: string, settings: RequestSettings): Promise<IncomingMessage> {
    let url: URL;
    try {
      url = new URL(this.server + path);
    } catch (error) {
      throw this.#unusable(
        `The Kubernetes API server address ${this.#where()} is not a URL`,
        "Check the cluster's server in the kubeconfig: a URL such as https://host:6443.",
        error,
      );
    }
    for (const [key, value] of Object.entries(settings.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const options: RequestOptions = { method, headers: { Accept: "application/json" } };
    try {
      // Runs the user's exec plugin, if any: its failure is the credentials', before any request.
      await this.#config.applyToHTTPSOptions(options);
    } catch (error) {
      throw this.#noCredentials(error);
    }
    // One agent per client, so that requests of a run share connections.
    this.#agent ??= options.agent;
    options.agent = this.#agent;
    const body = settings.body === undefined ? undefined : JSON.stringify(settings.body);
    if (body !== undefined) {
      // Node frames a DELETE body only when told its length (DELETE is not chunked by default).
      options.headers = {
        ...options.headers,
        "Content-Type": "application/json",
        "Content-Length": Buffer.byteLength(body),
      };
    }
    const send = url.protocol === "http:" ? httpRequest : httpsRequest;
    return new Promise<IncomingMessage>((resolve, reject) => {
      const request = send(
        url,
        { ...options, ...(settings.signal ? { signal: settings.signal } : {}) },
        (response) => {
          this.#answered = true;
          resolve(response);
        },
      );
      request.on("error", reject);
      request.end(body);
    }).catch((error: unknown) => {
      // A header Node refuses to send holds the kubeconfig's credentials (a token ending in a newline).
      if ((error as NodeJS.ErrnoException).code === "ERR_INVALID_CHAR") throw this.#noCredentials(error);
      throw error;
    });
  }

  #apiError(response: IncomingMessage, text: string, method: string, path: string): KubeApiError {
    const status = response.statusCode ?? 0;
    let reason: string | undefined;
    let detail = response.statusMessage ?? "";
    try {
      const parsed: unknown = JSON.parse(text);
      if (isRecord(parsed)) {
        reason = typeof parsed.reason === "string" ? parsed.reason : undefined;
        if (typeof parsed.message === "string") detail = parsed.message;
      }
    } catch {
      // Not a Status object (a proxy's HTML page, say): the status line says enough.
    }
    const retryAfter = Number(response.headers["retry-after"]);
    return new KubeApiError(
      status,
      reason,
      this.redact(`${method} ${path}: ${status}${reason ? ` ${reason}` : ""}: ${detail}`),
      Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter * 1000 : undefined,
    );
  }

  /** A server that was never reached is reported at once, naming where it was looked for. */
  #unreachable(error: unknown): InfrablocksError {
    return this.#unusable(
      `Cannot reach the Kubernetes API server ${this.#where()}: ${this.describe(error)}`,
      "Check that the cluster is running, that KUBECONFIG points at the right kubeconfig, and the context's server address.",
      error,
    );
  }

  /** A server whose certificate this kubeconfig does not trust: no retry can help. */
  #untrusted(error: unknown): InfrablocksError {
    return this.#unusable(
      `The Kubernetes API server ${this.#where()} failed TLS verification: ${this.describe(error)}`,
      "Check the cluster's certificate-authority (or certificate-authority-data) in the kubeconfig, and that the server address is one its certificate names.",
      error,
    );
  }

  /** Credentials the kubeconfig could not give (an exec plugin that fails, a token no header can hold). */
  #noCredentials(error: unknown): InfrablocksError {
    const reason = this.describe(error).trim() || "no reason given";
    return this.#unusable(
      `Could not get credentials for the Kubernetes API server ${this.#where()} from the kubeconfig: ${reason}`,
      "Check the user's exec plugin (run it by hand: kubectl runs it the same way), token or client certificate in the kubeconfig.",
      error,
    );
  }

  /** Credentials the server refuses: reported once, before anything is created. */
  #unauthorized(error: KubeApiError): InfrablocksError {
    return this.#unusable(
      `The Kubernetes API server ${this.#where()} rejected the credentials (401 Unauthorized)`,
      "Check the user's token, client certificate or exec plugin in the kubeconfig, and that they have not expired.",
      error,
    );
  }

  #unusable(problem: string, hint: string, cause: unknown): InfrablocksError {
    return new InfrablocksError("INFRASTRUCTURE_ERROR", `${problem}. ${hint}`, {
      blockType: "kubernetes-job",
      cause,
    });
  }

  /** The server URL and the kubeconfig context it came from. */
  #where(): string {
    const context = this.#config.getCurrentContext();
    return `${this.server}${context ? ` (kubeconfig context '${context}')` : ""}`;
  }

  /** Node's network errors carry no credentials, but exec plugins' errors may echo their output. */
  #scrubbed(error: unknown): unknown {
    if (error instanceof KubeApiError || !(error instanceof Error) || error.name === "AbortError")
      return error;
    const scrubbed = new Error(this.redact(error.message));
    (scrubbed as NodeJS.ErrnoException).code = (error as NodeJS.ErrnoException).code;
    return scrubbed;
  }
}

/** Whether a failure is worth another try under a policy. */
export function isRetryable(error: unknown, policy: RetryPolicy): boolean {
  if (error instanceof KubeApiError) {
    if (error.status === 429) return true;
    return policy === "idempotent" && error.status >= 500;
  }
  if (policy !== "idempotent") return false;
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ECONNRESET" || code === "EPIPE" || code === "UND_ERR_SOCKET" || isConnectionFailure(error);
}

/** A connection that could not be opened at all (as opposed to one that broke). */
function isConnectionFailure(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return (
    code === "ECONNREFUSED" ||
    code === "ETIMEDOUT" ||
    code === "EAI_AGAIN" ||
    code === "ENOTFOUND" ||
    code === "EHOSTUNREACH" ||
    code === "ENETUNREACH"
  );
}

/** Node's codes for a certificate chain or name the client does not accept. */
const TLS_VERIFICATION_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_UNTRUSTED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

function isTlsVerificationFailure(error: unknown): boolean {
  return TLS_VERIFICATION_CODES.has((error as NodeJS.ErrnoException).code ?? "");
}

function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on("data", (chunk: Buffer) => chunks.push(chunk));
    response.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    response.on("error", reject);
  });
}
