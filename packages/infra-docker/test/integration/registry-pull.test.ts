import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isInfrablocksError } from "@infrablocks/core";
import { isPodmanEngine } from "@infrablocks/docker-registry";
import {
  dockerAvailable,
  type LocalRegistry,
  type PassStore,
  startLocalRegistry,
  startPassStore,
} from "@infrablocks/test-support";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { docker, dockerContainer, removeTestContainers, runBlock } from "../support/run-block.js";

const available = await dockerAvailable();
// The .ci/run Podman step runs this suite against Podman's compatible API too.
const podman = available && (await isPodmanEngine(docker));

/** The logs and message of a failed run, to check that no secret is in them. */
function everythingSaid(error: unknown): string {
  const { message, stack, logs } = error as Error & { logs?: string[] };
  return [message, stack, ...(logs ?? [])].join("\n");
}

describe.runIf(available)("pulling from a private registry", () => {
  let registry: LocalRegistry;
  let dockerConfig: string;
  let savedDockerConfig: string | undefined;

  const fromRegistry = (fields: Record<string, unknown> = {}) =>
    dockerContainer({
      image: registry.image,
      command: ["echo", "from the registry"],
      autoRemove: true,
      ...fields,
    });
  const imageRegistry = (password = registry.password, registryUrl = registry.address) => ({
    type: "docker-registry",
    username: registry.username,
    password,
    registryUrl,
  });
  // Pruned, so the next pull downloads the image's own layer again.
  const dropLocalCopy = () =>
    docker
      .getImage(registry.image)
      .remove()
      .catch(() => undefined);

  beforeAll(async () => {
    registry = await startLocalRegistry();
  }, 120_000);
  afterAll(async () => {
    await removeTestContainers();
    await dropLocalCopy();
    await registry?.stop();
  });
  // An empty Docker config, so the user's own credentials never leak into these tests.
  beforeEach(async () => {
    savedDockerConfig = process.env.DOCKER_CONFIG;
    dockerConfig = await mkdtemp(join(tmpdir(), "infrablocks-docker-config-"));
    process.env.DOCKER_CONFIG = dockerConfig;
    await dropLocalCopy();
  });
  afterEach(async () => {
    if (savedDockerConfig === undefined) delete process.env.DOCKER_CONFIG;
    else process.env.DOCKER_CONFIG = savedDockerConfig;
    await rm(dockerConfig, { recursive: true, force: true });
  });

  it("pulls with imageRegistry's credentials, logging the totals, then runs", async () => {
    const run = await runBlock(fromRegistry({ imageRegistry: imageRegistry() }));
    expect(run.result.statusCode).toBe(0);
    expect(run.stdout).toBe("from the registry\n");
    expect(run.logs).toContain(
      `info: Pulling image '${registry.image}' with the credentials of '${registry.username}'...`,
    );
    // Without a progress output (a library call), a pull logs only its start and its totals.
    const pulled = run.logs.filter((line) => line.startsWith(`info: Pulled '${registry.image}': `));
    expect(pulled).toHaveLength(1);
    // Podman reports no sizes, and counts the image's config among the layers.
    expect(pulled[0]).toMatch(
      podman
        ? /: \d+ new layers?(, \d+ already present)?, \d+\.\ds\.$/
        : /: \d+ B in 1 new layer, \d+ already present, \d+\.\ds\.$/,
    );
    expect(run.logs.length).toBeLessThan(10);
    expect(run.logs.join("\n")).not.toContain(registry.password);
  });

  it("does not pull, nor log in, when a tagged image is present", async () => {
    await runBlock(fromRegistry({ imageRegistry: imageRegistry() }));
    const run = await runBlock(fromRegistry({ imageRegistry: imageRegistry("wrong-but-unused") }));
    expect(run.result.statusCode).toBe(0);
    expect(run.logs.some((line) => line.includes("Pulling"))).toBe(false);
  });

  it("fails on a wrong password with the registry named and the password nowhere", async () => {
    const wrong = "Wr0ng-Passw0rd-Sentinel";
    const error = await runBlock(fromRegistry({ imageRegistry: imageRegistry(wrong) })).catch(
      (caught: unknown) => caught,
    );
    expect(isInfrablocksError(error, "INFRASTRUCTURE_ERROR")).toBe(true);
    if (podman) {
      // Podman's /auth cannot reach a plain-HTTP registry, so the pull is where the password is refused.
      expect((error as Error).message).toContain(`pulling '${registry.image}' failed`);
      expect((error as Error).message).toContain(
        `Registry '${registry.address}' refused the credentials of '${registry.username}'`,
      );
    } else {
      expect((error as Error).message).toContain(`registry '${registry.address}'`);
      expect((error as Error).message).toContain("rejected the username or password");
    }
    const said = everythingSaid(error);
    for (const form of [wrong, Buffer.from(wrong).toString("base64"), registry.password]) {
      expect(said).not.toContain(form);
    }
  });

  it("fails without credentials, saying the registry wants them", async () => {
    const error = await runBlock(fromRegistry()).catch((caught: unknown) => caught);
    expect(isInfrablocksError(error, "INFRASTRUCTURE_ERROR")).toBe(true);
    expect((error as Error).message).toContain(`pulling '${registry.image}' failed`);
    expect((error as Error).message).toContain("wants credentials");
  });

  it("uses the Docker config's credentials when the block has no imageRegistry", async () => {
    const auth = Buffer.from(`${registry.username}:${registry.password}`).toString("base64");
    await writeFile(
      join(dockerConfig, "config.json"),
      JSON.stringify({ auths: { [`http://${registry.address}`]: { auth } } }),
    );
    const run = await runBlock(fromRegistry({ imagePullPolicy: "Always" }));
    expect(run.result.statusCode).toBe(0);
    expect(run.logs).toContain(
      `info: Pulling image '${registry.image}' with the credentials of '${registry.username}'...`,
    );
  });

  describe("with credentials kept by a real credential helper (docker-credential-pass)", () => {
    let pass: PassStore;
    beforeAll(async () => {
      pass = await startPassStore();
      await pass.store(registry.address, registry.username, registry.password);
    }, 60_000);
    afterAll(async () => {
      await pass?.stop();
    });

    for (const [how, config] of [
      ["credHelpers", () => ({ credHelpers: { [registry.address]: "pass" } })],
      ["credsStore", () => ({ credsStore: "pass" })],
    ] as const) {
      it(`pulls with the credentials ${how} names`, async () => {
        await writeFile(join(dockerConfig, "config.json"), JSON.stringify(config()));
        const run = await runBlock(fromRegistry({ imagePullPolicy: "Always" }));
        expect(run.result.statusCode).toBe(0);
        expect(run.stdout).toBe("from the registry\n");
        expect(run.logs).toContain(
          `info: Pulling image '${registry.image}' with the credentials of '${registry.username}'...`,
        );
        expect(run.logs.join("\n")).not.toContain(registry.password);
      });
    }
  });

  it("does not send imageRegistry's credentials to another registry", async () => {
    const error = await runBlock(
      fromRegistry({ imageRegistry: imageRegistry(registry.password, "registry.example.com") }),
    ).catch((caught: unknown) => caught);
    expect(isInfrablocksError(error, "INFRASTRUCTURE_ERROR")).toBe(true);
    expect((error as { logs: string[] }).logs).toContain(
      `warn: imageRegistry holds credentials for 'registry.example.com', but image '${registry.image}' comes from '${registry.address}'; they are not sent there.`,
    );
  });

  it("reports a tag the registry does not have", async () => {
    const missing = registry.image.replace(/:1\.0$/, ":no-such-tag");
    const error = await runBlock(fromRegistry({ image: missing, imageRegistry: imageRegistry() })).catch(
      (caught: unknown) => caught,
    );
    expect(isInfrablocksError(error, "INFRASTRUCTURE_ERROR")).toBe(true);
    expect((error as Error).message).toContain(`pulling '${missing}' failed`);
    expect((error as Error).message).toContain("Check the image's name and tag");
  });
});
