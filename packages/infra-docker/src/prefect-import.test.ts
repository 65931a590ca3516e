import { dockerRegistryBlockType } from "@infrablocks/docker-registry";
import { importFromPrefect } from "@infrablocks/testkit";
import { describe, expect, it } from "vitest";
import { dockerContainerBlockType } from "./docker-container-block.js";

const REGISTRY = {
  username: "ci-bot",
  password: "s3cr3t-registry-password",
  registry_url: "registry.example.com:5000",
  reauth: true,
  block_type_slug: "docker-registry",
};

describe("docker-container: Prefect import", () => {
  it("maps DockerContainer(...).dict(): Docker's pull policy spelled anew, the registry by its own type", async () => {
    const outcome = await importFromPrefect(
      dockerContainerBlockType,
      {
        type: "docker-container",
        env: { EXTRA_PIP_PACKAGES: "s3fs" },
        labels: { "io.prefect.team": "data" },
        name: "etl-container",
        command: ["python", "-m", "etl.run"],
        image: "registry.example.com:5000/team/etl:1.4",
        image_pull_policy: "IF_NOT_PRESENT",
        image_registry: REGISTRY,
        networks: [],
        network_mode: null,
        auto_remove: true,
        volumes: ["/srv/data:/data:ro"],
        stream_output: true,
        memswap_limit: "1g",
        mem_limit: "512m",
        privileged: false,
        block_type_slug: "docker-container",
      },
      [dockerRegistryBlockType],
    );
    expect(outcome.problems).toEqual([]);
    expect(outcome.document).toEqual({
      type: "docker-container",
      env: { EXTRA_PIP_PACKAGES: "s3fs" },
      labels: { "io.prefect.team": "data" },
      name: "etl-container",
      command: ["python", "-m", "etl.run"],
      image: "registry.example.com:5000/team/etl:1.4",
      imagePullPolicy: "IfNotPresent",
      imageRegistry: {
        type: "docker-registry",
        username: "ci-bot",
        password: "s3cr3t-registry-password",
        registryUrl: "registry.example.com:5000",
        reauth: true,
      },
      networks: [],
      autoRemove: true,
      volumes: ["/srv/data:/data:ro"],
      streamOutput: true,
      memswapLimit: "1g",
      memLimit: "512m",
      privileged: false,
    });
    expect(dockerContainerBlockType.schema.safeParse(outcome.document).success).toBe(true);
  });

  it("takes each Prefect pull policy and a Kubernetes spelling, and refuses anything else", async () => {
    for (const [prefect, ours] of [
      ["ALWAYS", "Always"],
      ["NEVER", "Never"],
      ["IfNotPresent", "IfNotPresent"],
    ]) {
      const { document } = await importFromPrefect(dockerContainerBlockType, { image_pull_policy: prefect });
      expect(document.imagePullPolicy).toBe(ours);
    }
    const { document, problems } = await importFromPrefect(dockerContainerBlockType, {
      image_pull_policy: "SOMETIMES",
    });
    expect(document).not.toHaveProperty("imagePullPolicy");
    expect(problems).toEqual([
      {
        path: "image_pull_policy",
        message: '"SOMETIMES" is not a pull policy (IF_NOT_PRESENT, ALWAYS, NEVER)',
      },
    ]);
  });

  it("flags Prefect's default image, which holds the Prefect runtime", async () => {
    const { problems } = await importFromPrefect(dockerContainerBlockType, {
      image: "prefecthq/prefect:2.14.21-python3.11",
    });
    expect(problems).toEqual([
      {
        path: "image",
        message: expect.stringMatching(/^'prefecthq\/prefect:2.14.21-python3.11' is Prefect's default image/),
      },
    ]);
  });
});
