import { readFileSync } from "node:fs";
import { PassThrough } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import {
  BlockRegistry,
  isInfrablocksError,
  loadInfrastructure,
  newRunId,
  type RunContext,
  resolveBlock,
  killContext,
} from "@infrablocks/core";
import { SSHD_SKIP_REASON, sshdAvailable, startSshd, type TestSshd } from "@infrablocks/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SshCommandBlock, sshCommandBlockType } from "../../src/index.js";

const available = sshdAvailable();
let sshd: TestSshd;
beforeAll(async () => {
  if (available) sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});

async function block(fields: Record<string, unknown>): Promise<SshCommandBlock> {
  const document = {
    type: "ssh-command",
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    privateKey: sshd.privateKey,
    knownHosts: sshd.knownHosts,
    ...fields,
  };
  const resolved = await resolveBlock(new BlockRegistry([sshCommandBlockType]), document, async () => {
    throw new Error("no saved documents here");
  });
  return resolved.config;
}

function capture(overrides: Partial<RunContext> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  stderr.on("data", (chunk: Buffer) => {
    err += chunk.toString();
  });
  const started: string[] = [];
  const warnings: string[] = [];
  const context: RunContext = {
    stdout,
    stderr,
    log: { info() {}, warn: (message) => warnings.push(message), error() {} },
    baseEnvironment: {},
    redact: (text) => text,
    runId: newRunId(),
    onStarted: (identifier) => started.push(identifier),
    ...overrides,
  };
  return { context, started, warnings, stdout: () => out, stderr: () => err };
}

const infrastructure = () => loadInfrastructure(sshCommandBlockType);

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat[stat.lastIndexOf(")") + 2] !== "Z";
}

describe.skipIf(!available)(
  `ssh-command against a real sshd${available ? "" : ` (skipped: ${SSHD_SKIP_REASON})`}`,
  () => {
    it("streams stdout and stderr apart, without the pid line, and reports <user>@<host>:<port>:<pid>", async () => {
      const run = capture();
      const result = await (await infrastructure()).run(
        await block({ command: ["sh", "-c", "echo out; echo err >&2; exit 3"] }),
        run.context,
      );
      expect(result.statusCode).toBe(3);
      expect(run.stdout()).toBe("out\n");
      expect(run.stderr()).toBe("err\n");
      expect(result.identifier).toMatch(new RegExp(`^${sshd.user}@127\\.0\\.0\\.1:${sshd.port}:[0-9]+$`));
      expect(run.started).toEqual([result.identifier]);
    });

    it("passes arguments verbatim, sets the env over the INFRABLOCKS_* base, and unsets nulls", async () => {
      const run = capture({ baseEnvironment: { INFRABLOCKS_A: "base", INFRABLOCKS_B: "base" } });
      const hostile = ["$(echo pwned)", "a b", "it's", "*", ""];
      await (await infrastructure()).run(
        await block({
          command: [
            "sh",
            "-c",
            // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template
            'printf "%s|" "$@"; echo "$INFRABLOCKS_A|$INFRABLOCKS_B|${HOME-unset}|$QUOTED"',
            "sh",
            ...hostile,
          ],
          env: { INFRABLOCKS_B: "block", HOME: null, QUOTED: "it's $HOME" },
        }),
        run.context,
      );
      expect(run.stdout()).toBe(`${hostile.join("|")}|base|block|unset|it's $HOME\n`);
    });

    it("reports a signal as -N, and the pid in the identifier is the command's own", async () => {
      const run = capture();
      const result = await (await infrastructure()).run(
        await block({ command: ["sh", "-c", "echo $$; kill -s TERM $$"] }),
        run.context,
      );
      expect(result.statusCode).toBe(-15);
      expect(result.signal).toBe(15);
      expect(result.identifier.endsWith(`:${run.stdout().trim()}`)).toBe(true);
    });

    it("kills the whole process group, escalating to SIGKILL for members that ignore SIGTERM", async () => {
      const infra = await infrastructure();
      const config = await block({
        command: [
          "sh",
          "-c",
          "trap '' TERM; sh -c 'trap \"\" TERM; echo $$; while :; do sleep 1; done' & wait",
        ],
      });
      const run = capture();
      const finished = infra.run(config, run.context);
      await waitFor(
        () => run.started.length === 1 && run.stdout().trim() !== "",
        "the child to report its pid",
      );
      const leader = Number(run.started[0]?.split(":").pop());
      const child = Number(run.stdout().trim());
      await infra.kill(
        config,
        run.started[0] as string,
        killContext({ log: run.context.log, graceSeconds: 1 }),
      );
      expect((await finished).statusCode).toBe(-9);
      expect(run.warnings.join("\n")).toMatch(/outlived its 1s grace period; sent SIGKILL/);
      expect(running(leader)).toBe(false);
      expect(running(child)).toBe(false);
    });

    it("tells another port or user (not available) from a gone pid (not found)", async () => {
      const infra = await infrastructure();
      const config = await block({ command: ["true"] });
      const { identifier } = await infra.run(config, capture().context);
      const log = capture().context.log;
      const gone = await infra
        .kill(config, identifier, killContext({ log, graceSeconds: 1 }))
        .catch((error) => error);
      expect(isInfrablocksError(gone, "INFRASTRUCTURE_NOT_FOUND")).toBe(true);
      const otherPort = identifier.replace(`:${sshd.port}:`, `:${sshd.port + 1}:`);
      const elsewhere = await infra
        .kill(config, otherPort, killContext({ log, graceSeconds: 1 }))
        .catch((error) => error);
      expect(isInfrablocksError(elsewhere, "INFRASTRUCTURE_NOT_AVAILABLE")).toBe(true);
    });

    it("accepts a hashed known_hosts entry", async () => {
      expect(sshd.hashedKnownHosts).toMatch(/^\|1\|/);
      const result = await (await infrastructure()).run(
        await block({ command: ["true"], knownHosts: sshd.hashedKnownHosts }),
        capture().context,
      );
      expect(result.statusCode).toBe(0);
    });

    it("refuses a host whose key is not known, or differs, naming the fingerprint and what to do", async () => {
      const infra = await infrastructure();
      const unknown = await infra
        .run(
          await block({ command: ["true"], knownHosts: "[elsewhere]:22 ssh-ed25519 AAAA\n" }),
          capture().context,
        )
        .catch((error) => error);
      expect(isInfrablocksError(unknown, "INFRASTRUCTURE_ERROR")).toBe(true);
      expect(unknown.message).toMatch(/host key SHA256:\S+ is not in knownHosts/);
      expect(unknown.message).toContain("ssh-keyscan");

      const otherKey = sshd.knownHosts.replace(/ssh-ed25519 \S+/, () => {
        const blob = Buffer.alloc(51);
        blob.writeUInt32BE(11, 0);
        blob.write("ssh-ed25519", 4);
        blob.writeUInt32BE(32, 15);
        return `ssh-ed25519 ${blob.toString("base64")}`;
      });
      const changed = await infra
        .run(await block({ command: ["true"], knownHosts: otherKey }), capture().context)
        .catch((error) => error);
      expect(changed.message).toMatch(/differs from the one in knownHosts/);
    });

    it("runs without checking the host key only when told to, and warns", async () => {
      const run = capture();
      const result = await (await infrastructure()).run(
        await block({ command: ["true"], knownHosts: undefined, strictHostKeyChecking: false }),
        run.context,
      );
      expect(result.statusCode).toBe(0);
      expect(run.warnings.join("\n")).toMatch(/strictHostKeyChecking is off: trusting .* SHA256:/);
    });

    it("reports refused credentials without showing them, and a kill that cannot log in as not available", async () => {
      const infra = await infrastructure();
      const config = await block({
        command: ["true"],
        privateKey: undefined,
        password: "wrong-password-5521",
      });
      const refused = await infra.run(config, capture().context).catch((error) => error);
      expect(isInfrablocksError(refused, "INFRASTRUCTURE_ERROR")).toBe(true);
      expect(refused.message).toMatch(/refused every credential/);
      expect(refused.message).not.toContain("wrong-password-5521");
      const kill = await infra
        .kill(
          config,
          `${sshd.user}@127.0.0.1:${sshd.port}:4242`,
          killContext({
            log: capture().context.log,
            graceSeconds: 1,
          }),
        )
        .catch((error) => error);
      expect(isInfrablocksError(kill, "INFRASTRUCTURE_NOT_AVAILABLE")).toBe(true);
    });

    it("rejects a block without credentials or with an unreadable key, naming the field", async () => {
      const infra = await infrastructure();
      const none = await infra
        .run(await block({ command: ["true"], privateKey: undefined }), capture().context)
        .catch((error) => error);
      expect(isInfrablocksError(none, "INVALID_DOCUMENT")).toBe(true);
      expect(none.message).toMatch(/^\[ssh-command\] privateKey: required unless password is given/);
      const garbage = "not-a-key-but-a-secret-3391";
      const unreadable = await infra
        .run(await block({ command: ["true"], privateKey: garbage }), capture().context)
        .catch((error) => error);
      expect(isInfrablocksError(unreadable, "INVALID_DOCUMENT")).toBe(true);
      expect(unreadable.message).toMatch(/privateKey: /);
      expect(unreadable.message).not.toContain(garbage);
    });
  },
);
