import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A throw-away gpg key and `pass` store that Debian's `docker-credential-pass` keeps credentials in. */
export interface PassStore {
  /** The variables that point gpg, pass and the helper at this store; also set in process.env. */
  readonly env: { GNUPGHOME: string; PASSWORD_STORE_DIR: string };
  /** Saves credentials with the helper's own `store` command. */
  store(serverUrl: string, username: string, secret: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startPassStore(): Promise<PassStore> {
  const directory = await mkdtemp(join(tmpdir(), "infrablocks-pass-"));
  const env = { GNUPGHOME: join(directory, "gnupg"), PASSWORD_STORE_DIR: join(directory, "store") };
  await mkdir(env.GNUPGHOME, { mode: 0o700 });
  const saved = { GNUPGHOME: process.env.GNUPGHOME, PASSWORD_STORE_DIR: process.env.PASSWORD_STORE_DIR };
  Object.assign(process.env, env);
  const key = "infrablocks-test@example.invalid";
  await run("gpg", ["--batch", "--passphrase", "", "--quick-gen-key", key, "default", "default", "never"], {
    env: process.env,
  });
  await run("pass", ["init", key], { env: process.env });
  return {
    env,
    async store(serverUrl, username, secret) {
      await new Promise<void>((resolve, reject) => {
        const child = execFile("docker-credential-pass", ["store"], { env: process.env }, (error) =>
          error ? reject(error) : resolve(),
        );
        child.stdin?.end(JSON.stringify({ ServerURL: serverUrl, Username: username, Secret: secret }));
      });
    },
    async stop() {
      await run("gpgconf", ["--kill", "gpg-agent"], { env: process.env }).catch(() => undefined);
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
}
