import { SSHD_SKIP_REASON, sshdAvailable, startSshd, type TestSshd } from "@infrablocks/test-support";
import { testBlockType } from "@infrablocks/testkit";
import { afterAll, beforeAll } from "vitest";
import { sshCommandBlockType } from "../src/index.js";

const available = sshdAvailable();
let sshd: TestSshd;
beforeAll(async () => {
  if (available) sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});

testBlockType({
  blockType: sshCommandBlockType,
  validDocument: {
    host: "build.example.com",
    port: 2222,
    user: "deploy",
    privateKey:
      "-----BEGIN OPENSSH PRIVATE KEY-----\nconformance-not-a-real-key\n-----END OPENSSH PRIVATE KEY-----\n",
    password: "conformance-password-7731",
    knownHosts: "[build.example.com]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB9t\n",
    command: ["uname", "-a"],
    env: { LOG_LEVEL: "debug", LANG: null },
  },
  invalidDocuments: [
    { document: { host: "h", user: "u", port: 70000 }, path: "port" },
    { document: { host: "h", user: "u", env: { "BAD-NAME": "x" } }, path: "env.BAD-NAME" },
    { document: { user: "u" }, path: "host" },
    { document: { host: "h", user: "u", strictHostKeyChecking: "no" }, path: "strictHostKeyChecking" },
  ],
  runnable: available
    ? {
        document: (command) => ({
          host: sshd.host,
          port: sshd.port,
          user: sshd.user,
          privateKey: sshd.privateKey,
          knownHosts: sshd.knownHosts,
          command,
        }),
        exitCommand: (code, line) => ["sh", "-c", `echo ${line}; exit ${code}`],
        longRunningCommand: ["sleep", "120"],
        foreignIdentifier: () => `${sshd.user}@other.example.com:22:4242`,
        graceSeconds: 2,
        timeoutMs: 20_000,
      }
    : SSHD_SKIP_REASON,
});
