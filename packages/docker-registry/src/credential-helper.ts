/** What a credential helper answered for one registry. */
export type HelperAnswer =
  | { found: true; username: string; secret: string; identityToken: boolean }
  | { found: false }
  | { error: string };

// A helper may ask a keychain or a cloud for a token; one that hangs must not hang a run.
const HELPER_TIMEOUT_MS = 15_000;
const NOT_FOUND = /credentials not found/i;

/**
 * Asks `docker-credential-<name>` for the credentials of `serverAddress` with the helper protocol the
 * docker CLI uses: `get`, the address on stdin, `{ServerURL, Username, Secret}` as JSON on stdout. A
 * Username of `<token>` means the Secret is an identity token. Nothing is written anywhere.
 */
export function askCredentialHelper(
  name: string,
  serverAddress: string,
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = HELPER_TIMEOUT_MS,
): Promise<HelperAnswer> {
  const program = `docker-credential-${name}`;
  // Node's child_process loads on first use, not with the module: a preview never asks a helper.
  const { execFile } = process.getBuiltinModule("node:child_process");
  return new Promise((resolve) => {
    const child = execFile(
      program,
      ["get"],
      { env, timeout: timeoutMs, maxBuffer: 1 << 20, encoding: "utf8" },
      (error, stdout, stderr) => {
        const output = `${stdout}`.trim();
        if (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === "ENOENT") {
            resolve({ error: `${program} is not on PATH; install it or remove it from the Docker config.` });
          } else if (error.killed) {
            resolve({ error: `${program} gave no answer within ${timeoutMs / 1000}s.` });
          } else if (NOT_FOUND.test(output) || NOT_FOUND.test(`${stderr}`)) {
            resolve({ found: false });
          } else {
            resolve({ error: `${program} failed: ${firstLine(`${stderr}`.trim() || output)}` });
          }
          return;
        }
        let parsed: { Username?: unknown; Secret?: unknown };
        try {
          parsed = JSON.parse(output) as typeof parsed;
        } catch {
          // The output may hold the secret: say what is wrong without quoting it.
          resolve({ error: `${program} answered with something other than JSON.` });
          return;
        }
        const username = typeof parsed.Username === "string" ? parsed.Username : "";
        const secret = typeof parsed.Secret === "string" ? parsed.Secret : "";
        if (!secret) {
          resolve({ found: false });
          return;
        }
        resolve({ found: true, username, secret, identityToken: username === "<token>" });
      },
    );
    child.stdin?.on("error", () => {
      // A helper that exits without reading its input: its exit status says what happened.
    });
    child.stdin?.end(serverAddress);
  });
}

function firstLine(text: string): string {
  return (text.split("\n")[0] ?? "").slice(0, 300) || "no message";
}
