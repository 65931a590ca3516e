import { hostname } from "node:os";
import { testBlockType } from "@infrablocks/testkit";
import { processBlockType } from "../src/index.js";

testBlockType({
  blockType: processBlockType,
  validDocument: {
    command: ["echo", "hello"],
    env: { LOG_LEVEL: "debug", PYTHONPATH: null },
    labels: { team: "data" },
    name: "nightly",
    streamOutput: false,
    workingDir: "/tmp",
  },
  invalidDocuments: [
    { document: { command: ["echo", 1] }, path: "command.1" },
    { document: { command: [] }, path: "command" },
    { document: { streamOutput: "yes" }, path: "streamOutput" },
    { document: { env: { "A=B": "x" } }, path: "env.A=B" },
  ],
  runnable: {
    document: (command) => ({ command }),
    exitCommand: (code, line) => ["sh", "-c", `echo ${line}; exit ${code}`],
    longRunningCommand: ["sleep", "120"],
    foreignIdentifier: `not-${hostname()}:4242`,
    graceSeconds: 2,
  },
});
