import { BUSYBOX_IMAGE, dockerAvailable, ensureBusyboxImage } from "@infrablocks/test-support";
import { testBlockType } from "@infrablocks/testkit";
import { afterAll, beforeAll } from "vitest";
import { dockerContainerBlockType } from "../src/index.js";
import { removeTestContainers, TEST_LABEL } from "./support/run-block.js";

const available = await dockerAvailable();
beforeAll(async () => {
  if (available) await ensureBusyboxImage();
}, 120_000);
afterAll(async () => {
  if (available) await removeTestContainers();
});

testBlockType({
  blockType: dockerContainerBlockType,
  validDocument: {
    image: "registry.example.com:5000/team/etl:1.4",
    command: ["etl", "--date", "2026-11-28"],
    imagePullPolicy: "IfNotPresent",
    imageRegistry: {
      type: "docker-registry",
      username: "ci-bot",
      password: "conformance-registry-password",
      registryUrl: "registry.example.com:5000",
    },
    env: { LOG_LEVEL: "debug" },
    volumes: ["/srv/data:/data:ro"],
    memLimit: "512m",
  },
  invalidDocuments: [
    { document: { command: ["true"] }, path: "image" },
    { document: { image: "busybox", volumes: ["no-colon"] }, path: "volumes.0" },
    { document: { image: "busybox", imagePullPolicy: "IF_NOT_PRESENT" }, path: "imagePullPolicy" },
    {
      document: {
        image: "busybox",
        imageRegistry: { type: "docker-registry", username: "u", registryUrl: "r" },
      },
      path: "imageRegistry.password",
    },
  ],
  runnable: available
    ? {
        document: (command) => ({
          image: BUSYBOX_IMAGE,
          imagePullPolicy: "Never",
          labels: TEST_LABEL,
          command,
        }),
        exitCommand: (code, line) => ["sh", "-c", `echo ${line}; exit ${code}`],
        longRunningCommand: ["sleep", "120"],
        foreignIdentifier: `tcp://docker.example.com:2376:${"f".repeat(64)}`,
        graceSeconds: 2,
      }
    : "no Docker Engine answers (INFRABLOCKS_REQUIRE_DOCKER=1 makes this a failure)",
});
