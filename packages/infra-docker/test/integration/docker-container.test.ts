import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { isInfrablocksError, killContext } from "@infrablocks/core";
import { BUSYBOX_IMAGE, dockerAvailable, ensureBusyboxImage } from "@infrablocks/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  containerExists,
  docker,
  dockerContainer,
  infrastructure,
  removeTestContainers,
  runBlock,
  TEST_LABEL,
  waitUntilRunning,
} from "../support/run-block.js";

const available = await dockerAvailable();
// Podman's Docker-compatible API differs in three ways these tests see (README, "Podman"): inspect
// lists a bind's mount options, a container removed while it runs ends 137 rather than unknown, and
// an OOM kill is not reported as one.
const podman =
  available &&
  ((await docker.version()).Components ?? []).some((component) => /podman/i.test(component.Name));
const log = { info: () => {}, warn: () => {}, error: () => {} };
const busybox = (fields: Record<string, unknown>) =>
  dockerContainer({ image: BUSYBOX_IMAGE, imagePullPolicy: "Never", ...fields });

describe.runIf(available)("docker-container against a real engine", () => {
  beforeAll(async () => {
    await ensureBusyboxImage();
  }, 120_000);
  afterAll(removeTestContainers);

  describe("output and exit codes", () => {
    it("sends stdout and stderr to their own streams, every line, in order", async () => {
      const run = await runBlock(
        busybox({
          command: ["sh", "-c", "for i in $(seq 1 2000); do echo out-$i; echo err-$i >&2; done; echo last"],
        }),
      );
      expect(run.result.statusCode).toBe(0);
      const numbered = (prefix: string) =>
        Array.from({ length: 2000 }, (_, index) => `${prefix}-${index + 1}`);
      expect(run.stdout.split("\n")).toEqual([...numbered("out"), "last", ""]);
      expect(run.stderr.split("\n")).toEqual([...numbered("err"), ""]);
    });

    it("keeps every byte when the destination is slow to drain", async () => {
      let received = "";
      const slow = new Writable({
        highWaterMark: 1024,
        write(chunk: Buffer, _encoding, callback) {
          received += chunk.toString("utf8");
          setImmediate(callback);
        },
      });
      const run = await runBlock(busybox({ command: ["seq", "1", "100000"] }), { stdout: slow });
      expect(run.result.statusCode).toBe(0);
      const lines = received.trimEnd().split("\n");
      expect(lines).toHaveLength(100_000);
      expect(lines.at(-1)).toBe("100000");
    });

    it.each([0, 3, 255])("reports exit code %i", async (code) => {
      const run = await runBlock(
        busybox({ command: ["sh", "-c", `echo bye; exit ${code}`], autoRemove: true }),
      );
      expect(run.result).toMatchObject({ statusCode: code, identifier: run.identifier });
      expect(run.identifier).toMatch(/^unix:\/\/\/.+:[0-9a-f]{64}$/);
      expect(run.stdout).toBe("bye\n");
    });

    it("does not attach when streamOutput is false", async () => {
      const run = await runBlock(
        busybox({ command: ["sh", "-c", "echo hidden; exit 4"], streamOutput: false }),
      );
      expect(run.result.statusCode).toBe(4);
      expect(run.stdout).toBe("");
      const info = await docker.getContainer(run.containerId).inspect();
      expect(info.Config.AttachStdout).toBe(false);
    });

    it("reports an executable missing from the image", async () => {
      const error = await runBlock(busybox({ command: ["no-such-program"], autoRemove: true })).catch(
        (caught: unknown) => caught,
      );
      expect(isInfrablocksError(error, "EXECUTABLE_NOT_FOUND")).toBe(true);
      expect((error as Error).message).toContain("executable 'no-such-program' was not found");
    });

    it("refuses to pull with imagePullPolicy Never", async () => {
      const error = await runBlock(
        dockerContainer({
          image: "infrablocks-test/absent:1.0",
          imagePullPolicy: "Never",
          command: ["true"],
        }),
      ).catch((caught: unknown) => caught);
      expect(isInfrablocksError(error, "INFRASTRUCTURE_ERROR")).toBe(true);
      expect((error as Error).message).toContain("imagePullPolicy is Never");
    });
  });

  describe("container settings", () => {
    const networks = ["infrablocks-test-front", "infrablocks-test-back"];
    let hostDirectory: string;

    beforeAll(async () => {
      for (const name of networks) {
        await docker
          .getNetwork(name)
          .remove()
          .catch(() => undefined);
        await docker.createNetwork({ Name: name, Labels: { "io.infrablocks.test": "infra-docker" } });
      }
      hostDirectory = await mkdtemp(join(tmpdir(), "infrablocks-volume-"));
      await writeFile(join(hostDirectory, "greeting.txt"), "hello from the host\n");
      // The container runs as uid 1000, which must be able to read the mount.
      await chmod(hostDirectory, 0o755);
    });
    afterAll(async () => {
      await removeTestContainers();
      for (const name of networks) {
        await docker
          .getNetwork(name)
          .remove()
          .catch(() => undefined);
      }
      await rm(hostDirectory, { recursive: true, force: true });
    });

    it.skipIf(podman)(
      "creates the container with the block's labels, networks, volumes, limits and options",
      async () => {
        const run = await runBlock(
          busybox({
            command: ["cat", "/data/greeting.txt"],
            name: "settings check",
            labels: { "infrablocks.io/run": "r-42", team: "data" },
            env: { GREETING: "hi", GONE: null },
            networks,
            volumes: [`${hostDirectory}:/data:ro`],
            memLimit: "64m",
            memswapLimit: "128m",
            cpuLimit: 0.5,
            privileged: true,
            user: "1000:1000",
            createOptions: { WorkingDir: "/tmp", HostConfig: { Init: true } },
          }),
          { baseEnvironment: { INFRABLOCKS_RUN: "base", GONE: "inherited" } },
        );
        expect(run.result.statusCode).toBe(0);
        expect(run.stdout).toBe("hello from the host\n");
        const info = await docker.getContainer(run.containerId).inspect();
        expect(info.Name).toBe("/settings-check");
        expect(info.Config.Labels).toMatchObject({
          "io.infrablocks.run": "r-42",
          "io.infrablocks.version": expect.any(String),
          team: "data",
        });
        expect(info.Config.Env).toEqual(expect.arrayContaining(["INFRABLOCKS_RUN=base", "GREETING=hi"]));
        expect(info.Config.Env.some((entry) => entry.startsWith("GONE="))).toBe(false);
        expect(info.Config.User).toBe("1000:1000");
        expect(info.Config.WorkingDir).toBe("/tmp");
        expect(Object.keys(info.NetworkSettings.Networks).sort()).toEqual([...networks].sort());
        expect(info.HostConfig).toMatchObject({
          Binds: [`${hostDirectory}:/data:ro`],
          Memory: 64 * 2 ** 20,
          MemorySwap: 128 * 2 ** 20,
          NanoCpus: 500_000_000,
          Privileged: true,
          Init: true,
          AutoRemove: false,
        });
      },
    );

    it("gives the host network for a localhost API URL, and maps host.docker.internal otherwise", async () => {
      const onHost = await runBlock(busybox({ command: ["true"] }), {
        baseEnvironment: { INFRABLOCKS_API_URL: "http://localhost:4200/api" },
      });
      const hostInfo = await docker.getContainer(onHost.containerId).inspect();
      expect(hostInfo.HostConfig.NetworkMode).toBe("host");
      expect(hostInfo.Config.Env).toContain("INFRABLOCKS_API_URL=http://localhost:4200/api");

      const onNetwork = await runBlock(
        busybox({
          command: ["sh", "-c", 'echo "$INFRABLOCKS_API_URL"; grep host.docker.internal /etc/hosts'],
          networks: [networks[0]],
        }),
        { baseEnvironment: { INFRABLOCKS_API_URL: "http://127.0.0.1:4200/api" } },
      );
      expect(onNetwork.result.statusCode).toBe(0);
      expect(onNetwork.stdout).toMatch(
        /^http:\/\/host\.docker\.internal:4200\/api\n\S+\s+host\.docker\.internal\n$/,
      );
    });
  });

  describe("names", () => {
    afterAll(removeTestContainers);

    it("retries a taken name with -1, -2 …", async () => {
      await docker.createContainer({
        name: "infrablocks-taken",
        Image: BUSYBOX_IMAGE,
        Cmd: ["true"],
        Labels: { "io.infrablocks.test": "infra-docker" },
      });
      await docker.createContainer({
        name: "infrablocks-taken-1",
        Image: BUSYBOX_IMAGE,
        Cmd: ["true"],
        Labels: { "io.infrablocks.test": "infra-docker" },
      });
      const run = await runBlock(busybox({ command: ["true"], name: "infrablocks-taken" }));
      expect((await docker.getContainer(run.containerId).inspect()).Name).toBe("/infrablocks-taken-2");
      expect(run.logs.filter((line) => line.includes("is taken"))).toHaveLength(2);
    });

    it("gives up after ten suffixes with an error naming the field", async () => {
      for (const name of [
        "infrablocks-full",
        ...Array.from({ length: 10 }, (_, index) => `infrablocks-full-${index + 1}`),
      ]) {
        await docker.createContainer({
          name,
          Image: BUSYBOX_IMAGE,
          Cmd: ["true"],
          Labels: { "io.infrablocks.test": "infra-docker" },
        });
      }
      const error = await runBlock(busybox({ command: ["true"], name: "infrablocks-full" })).catch(
        (caught: unknown) => caught,
      );
      expect(isInfrablocksError(error, "INFRASTRUCTURE_ERROR")).toBe(true);
      expect((error as Error).message).toContain(
        "name: 'infrablocks-full' and 'infrablocks-full-1' to 'infrablocks-full-10' are all taken",
      );
    });
  });

  describe("kill, removal and memory", () => {
    afterAll(removeTestContainers);

    it("stops a container that ignores SIGTERM once the grace period is over", async () => {
      let killed: Promise<void> | undefined;
      const run = await runBlock(
        busybox({ command: ["sh", "-c", "trap '' TERM; while true; do sleep 1; done"] }),
        {
          onStarted: (identifier) => {
            const containerId = identifier.slice(identifier.lastIndexOf(":") + 1);
            killed = waitUntilRunning(containerId).then(async () =>
              (await infrastructure()).kill(busybox({}), identifier, killContext({ log, graceSeconds: 1 })),
            );
          },
        },
      );
      await killed;
      expect(run.result.statusCode).toBe(137);
      expect(run.result.message).toContain("SIGKILL");
      expect(run.result.message).not.toContain("memory");
      expect((await docker.getContainer(run.containerId).inspect()).State.Running).toBe(false);
    });

    it("lets a container that handles SIGTERM end on its own within the grace period", async () => {
      let killed: Promise<void> | undefined;
      const run = await runBlock(
        busybox({
          command: ["sh", "-c", "trap 'echo stopping; exit 7' TERM; while true; do sleep 0.2; done"],
        }),
        {
          onStarted: (identifier) => {
            killed = waitUntilRunning(identifier.slice(identifier.lastIndexOf(":") + 1)).then(async () =>
              (await infrastructure()).kill(busybox({}), identifier, killContext({ log, graceSeconds: 60 })),
            );
          },
        },
      );
      await killed;
      expect(run.result.statusCode).toBe(7);
      expect(run.stdout).toBe("stopping\n");
    });

    it("reports an ended or unknown container as not found", async () => {
      const run = await runBlock(busybox({ command: ["true"] }));
      const infra = await infrastructure();
      await expect(
        infra.kill(busybox({}), run.identifier, killContext({ log, graceSeconds: 1 })),
      ).rejects.toSatisfy(
        (error) =>
          isInfrablocksError(error, "INFRASTRUCTURE_NOT_FOUND") &&
          (error as Error).message.includes("already ended"),
      );
      const unknown = `${run.identifier.slice(0, run.identifier.lastIndexOf(":"))}:${"f".repeat(64)}`;
      await expect(infra.kill(busybox({}), unknown, killContext({ log, graceSeconds: 1 }))).rejects.toSatisfy(
        (error) => isInfrablocksError(error, "INFRASTRUCTURE_NOT_FOUND"),
      );
    });

    it("refuses, as not found, a container infrablocks did not start, running or created, and leaves it be", async () => {
      const run = await runBlock(busybox({ command: ["true"] }));
      const engine = run.identifier.slice(0, run.identifier.lastIndexOf(":"));
      const infra = await infrastructure();
      const started = await docker.createContainer({
        Image: BUSYBOX_IMAGE,
        Cmd: ["sleep", "30"],
        Labels: { "io.infrablocks.test": "infra-docker" },
      });
      await started.start();
      const created = await docker.createContainer({
        Image: BUSYBOX_IMAGE,
        Cmd: ["true"],
        Labels: { "io.infrablocks.test": "infra-docker" },
      });
      for (const container of [started, created]) {
        await expect(
          infra.kill(busybox({}), `${engine}:${container.id}`, killContext({ log, graceSeconds: 1 })),
        ).rejects.toSatisfy(
          (error) =>
            isInfrablocksError(error, "INFRASTRUCTURE_NOT_FOUND") &&
            (error as Error).message.includes("is not a container infrablocks started"),
        );
      }
      expect((await started.inspect()).State.Running).toBe(true);
      expect(await containerExists(created.id)).toBe(true);
      await started.remove({ force: true });
      await created.remove({ force: true });
    });

    it.skipIf(podman)("reports -1 when the container is removed while it runs", async () => {
      let removed: Promise<void> | undefined;
      const run = await runBlock(busybox({ command: ["sleep", "1000"] }), {
        onStarted: (identifier) => {
          const containerId = identifier.slice(identifier.lastIndexOf(":") + 1);
          removed = waitUntilRunning(containerId).then(() =>
            docker.getContainer(containerId).remove({ force: true }),
          );
        },
      });
      await removed;
      expect(run.result.statusCode).toBe(-1);
      expect(run.result.message).toContain("was removed before its exit could be collected");
    });

    it.skipIf(podman)("reports 137 with a memory hint when the engine OOM-kills the container", async () => {
      const run = await runBlock(
        busybox({ command: ["tail", "/dev/zero"], memLimit: "16m", memswapLimit: "16m" }),
      );
      expect(run.result.statusCode).toBe(137);
      expect(run.result.message).toContain("ran out of memory");
      expect(run.result.message).toContain("memLimit 16m");
      expect((await docker.getContainer(run.containerId).inspect()).State.OOMKilled).toBe(true);
    });
  });

  describe("autoRemove", () => {
    it.each([
      [["true"], 0, ""],
      [["sh", "-c", "exit 3"], 3, ""],
      [["sh", "-c", "echo x; exit 0"], 0, "x\n"],
    ])(
      "keeps the exit code and output of %j, ten times over, and removes the container",
      async (command, code, output) => {
        for (let attempt = 0; attempt < 10; attempt++) {
          const run = await runBlock(busybox({ command, autoRemove: true, labels: TEST_LABEL }));
          expect(run.result.statusCode).toBe(code);
          expect(run.stdout).toBe(output);
          expect(await containerExists(run.containerId)).toBe(false);
        }
      },
    );
  });
});
