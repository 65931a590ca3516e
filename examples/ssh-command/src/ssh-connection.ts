import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { type DriverContext, InfrablocksError } from "@infrablocks/core";
import ssh2, { type Client, type ClientChannel, type ConnectConfig } from "ssh2";
import { checkHostKey, fingerprint, type HostKeyVerdict, knownKeyTypes } from "./known-hosts.js";
import type { SshCommandBlock } from "./ssh-command-block.js";

const SLUG = "ssh-command";

/** Host key algorithms ssh2 can ask for, by the key type a known_hosts line names. */
const HOST_KEY_ALGORITHMS: Record<string, string[]> = {
  "ssh-ed25519": ["ssh-ed25519"],
  "ecdsa-sha2-nistp256": ["ecdsa-sha2-nistp256"],
  "ecdsa-sha2-nistp384": ["ecdsa-sha2-nistp384"],
  "ecdsa-sha2-nistp521": ["ecdsa-sha2-nistp521"],
  "ssh-rsa": ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"],
};

/**
 * A logged-in SSH connection to the block's host, or an InfrablocksError with `failureCode` that says
 * why not (the run's INFRASTRUCTURE_ERROR; kill's INFRASTRUCTURE_NOT_AVAILABLE, as the host is then
 * out of reach). No message carries a credential: ssh2's texts pass through the context's redactor,
 * which masks the block's secrets, first.
 */
export async function connect(
  config: SshCommandBlock,
  context: DriverContext,
  failureCode: "INFRASTRUCTURE_ERROR" | "INFRASTRUCTURE_NOT_AVAILABLE",
): Promise<Client> {
  requireCredentials(config);
  const { log, redact } = context;
  const where = `${config.user}@${config.host}:${config.port}`;
  const knownHosts = config.strictHostKeyChecking ? await knownHostsText(config) : "";
  let verdict: HostKeyVerdict | undefined;
  let presented = "";

  const settings: ConnectConfig = {
    host: config.host,
    port: config.port,
    username: config.user,
    readyTimeout: config.connectTimeoutSeconds * 1000,
    ...(config.privateKey ? { privateKey: config.privateKey } : {}),
    ...(config.passphrase ? { passphrase: config.passphrase } : {}),
    ...(config.password ? { password: config.password } : {}),
    hostVerifier: (key: Buffer) => {
      presented = fingerprint(key);
      if (!config.strictHostKeyChecking) {
        log.warn(`strictHostKeyChecking is off: trusting ${where}'s host key ${presented} unchecked.`);
        return true;
      }
      verdict = checkHostKey(knownHosts, config.host, config.port, key);
      return verdict === "known";
    },
  };
  // Ask for a key type known_hosts holds, as OpenSSH does; otherwise the server may offer another.
  const preferred = knownKeyTypes(knownHosts, config.host, config.port).flatMap(
    (type) => HOST_KEY_ALGORITHMS[type] ?? [],
  );
  if (preferred.length > 0) settings.algorithms = { serverHostKey: preferred as never };

  const client = new ssh2.Client();
  return new Promise<Client>((resolve, reject) => {
    const fail = (error: Error & { level?: string; code?: string }) => {
      client.end();
      reject(
        new InfrablocksError(
          failureCode,
          redact(connectFailure(where, error, verdict, presented, config.strictHostKeyChecking)),
          { blockType: SLUG },
        ),
      );
    };
    client.once("ready", () => {
      client.off("error", fail);
      // Later errors (a dropped connection) surface as the channel closing; they must not go unhandled.
      client.on("error", () => undefined);
      resolve(client);
    });
    client.once("error", fail);
    try {
      client.connect(settings);
    } catch (error) {
      // ssh2 parses the key synchronously; its message names the problem, never the key.
      reject(
        new InfrablocksError("INVALID_DOCUMENT", `privateKey: ${redact((error as Error).message)}`, {
          blockType: SLUG,
          issues: [`privateKey: ${redact((error as Error).message)}`],
        }),
      );
    }
  });
}

/** Starts a command; rejects when the server refuses the session. */
export function exec(client: Client, command: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, channel) => (error ? reject(error) : resolve(channel)));
  });
}

// --- Internal helpers ---

function requireCredentials(config: SshCommandBlock): void {
  if (config.privateKey || config.password) return;
  const issue = "privateKey: required unless password is given (give privateKey, password, or both)";
  throw new InfrablocksError("INVALID_DOCUMENT", issue, { blockType: SLUG, issues: [issue] });
}

async function knownHostsText(config: SshCommandBlock): Promise<string> {
  if (config.knownHosts) return config.knownHosts;
  return readFile(join(homedir(), ".ssh", "known_hosts"), "utf8").catch(() => "");
}

function connectFailure(
  where: string,
  error: Error & { level?: string; code?: string },
  verdict: HostKeyVerdict | undefined,
  presented: string,
  strict: boolean,
): string {
  const source = "knownHosts (or ~/.ssh/known_hosts when knownHosts is unset)";
  if (strict && verdict === "unknown") {
    return `Cannot connect to ${where}: its host key ${presented} is not in ${source}. Add the host's key (ssh-keyscan prints it) or, on a trusted network only, set strictHostKeyChecking: false.`;
  }
  if (verdict === "changed") {
    return `Cannot connect to ${where}: its host key ${presented} differs from the one in ${source}. The host was reinstalled, or something intercepts the connection; check before updating knownHosts.`;
  }
  if (verdict === "revoked")
    return `Cannot connect to ${where}: its host key ${presented} is marked @revoked.`;
  if (error.level === "client-authentication") {
    return `Cannot log in to ${where}: the server refused every credential given (privateKey, password).`;
  }
  if (error.level === "client-timeout")
    return `Cannot connect to ${where}: no answer within the connect timeout.`;
  return `Cannot connect to ${where}: ${error.code ? `${error.code} ` : ""}${error.message}`;
}
