import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BUSYBOX_IMAGE,
  dockerAvailable,
  type LocalRegistry,
  startLocalRegistry,
} from "@infrablocks/test-support";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BIN, REPO, cli, freshHome } from "./cli-support.js";
import { dockerApi, writeDocument } from "./runs-support.js";

// Script's pseudo-terminal gives the command a terminal as stderr, as a user's shell does.
const hasScript = await new Promise<boolean>((resolve) =>
  spawn("script", ["--version"], { stdio: "ignore" })
    .on("error", () => resolve(false))
    .on("exit", (code) => resolve(code === 0)),
);

/** Runs `infrablocks ARGS` on a pseudo-terminal; answers everything it drew there. */
function onTerminal(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; text: string }> {
  const quote = (word: string) => `'${word.replaceAll("'", "'\\''")}'`;
  const command = [process.execPath, BIN, ...args].map(quote).join(" ");
  const child = spawn("script", ["-qefc", command, "/dev/null"], {
    cwd: REPO,
    env: { ...process.env, INFRABLOCKS_DEBUG: "", TERM: "xterm", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  child.stdout.on("data", (chunk: Buffer) => {
    text += chunk.toString();
  });
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, text })));
}

describe.runIf((await dockerAvailable()) && hasScript)("an image pull's progress", () => {
  let registry: LocalRegistry;
  let image: string;
  let home: string;
  let dockerConfig: string;
  let doc: string;

  // A layer of 12 MB of random data, so the engine reports bytes as it downloads it.
  beforeAll(async () => {
    registry = await startLocalRegistry();
    image = await registry.push(
      `infrablocks/pull-progress-${process.pid}:1.0`,
      `FROM ${BUSYBOX_IMAGE}\nRUN head -c 12000000 /dev/urandom > /blob\n`,
    );
    dockerConfig = await mkdtemp(join(tmpdir(), "infrablocks-docker-config-"));
  }, 180_000);
  afterAll(async () => {
    await dockerApi("DELETE", `/images/${encodeURIComponent(image)}`).catch(() => undefined);
    await registry?.stop();
    await rm(dockerConfig, { recursive: true, force: true });
  });
  // Not present, so that each run really pulls.
  beforeEach(async () => {
    await dockerApi("DELETE", `/images/${encodeURIComponent(image)}`).catch(() => undefined);
    home = await freshHome();
    doc = await writeDocument(home, "pull", {
      type: "docker-container",
      image,
      command: ["true"],
      autoRemove: true,
      imageRegistry: {
        type: "docker-registry",
        username: registry.username,
        password: registry.password,
        registryUrl: registry.address,
      },
    });
  });
  const env = () => ({ INFRABLOCKS_HOME: home, DOCKER_CONFIG: dockerConfig });
  const finalLine = () =>
    new RegExp(
      `Pulled '${image.replaceAll(".", "\\.")}': 12\\.0 MB in 1 new layer, \\d+ already present, \\d+\\.\\ds\\.`,
    );

  it("on a terminal, redraws one line per layer in place, with bytes and percent", async () => {
    const { code, text: drawn } = await onTerminal(["run", doc], env());
    expect(code, drawn).toBe(0);
    // ESC spelt out, for readable patterns.
    const text = drawn.replaceAll("\x1b", "ESC");
    // Cursor up over the lines drawn, each line erased and drawn again.
    expect(text).toMatch(/ESC\[\d+A/);
    expect(text).toMatch(
      /ESC\[2K[0-9a-f]{12}: (Downloading|Extracting) +\[[=> ]+\] [\d.]+ [kM]?B \/ 12\.0 MB {2}\d+%/,
    );
    expect(text).toMatch(/ESC\[2K[0-9a-f]{12}: Pull complete {2}12\.0 MB\r?\n/);
    expect(text).toMatch(finalLine());
    expect(text).not.toContain(registry.password);
  }, 120_000);

  it("elsewhere, writes lines of totals and no cursor movement", async () => {
    const result = await cli(["run", doc], { home, env: env() });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(finalLine());
    expect(result.stderr).not.toContain("\x1b[");
    // A pull this small is over before the first line of totals is due, 5s in; any such line has them.
    for (const line of result.stderr.split("\n").filter((each) => each.startsWith("Pulling '"))) {
      expect(line).toMatch(
        /: [\d.]+ [kM]?B(?: of [\d.]+ [kM]?B\+? \(\d+%\))?, \d+ of \d+ layers done, \d+s$/,
      );
    }
  }, 120_000);

  it("with --json, draws no progress even on a terminal", async () => {
    const { code, text } = await onTerminal(["run", "--json", doc], env());
    expect(code, text).toBe(0);
    expect(text).not.toContain("\x1b[");
    expect(text).not.toMatch(/Downloading|Pull complete/);
    expect(text).toContain('"event":"exited"');
  }, 120_000);
});
