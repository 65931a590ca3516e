import { isInfrablocksError } from "@infrablocks/core";
import { describe, expect, it } from "vitest";
import { planContainer, previewDocument } from "./container-settings.js";
import { type DockerContainerBlock, dockerContainerBlockType } from "./docker-container-block.js";

const block = (fields: Record<string, unknown>): DockerContainerBlock =>
  dockerContainerBlockType.schema.parse({ image: "team/app:1.0", command: ["run"], ...fields });
const context = { baseEnvironment: {}, platform: "linux" as const, hostGateway: true, version: "9.9.9" };

describe("planContainer", () => {
  it("derives the create body from the fields", () => {
    const plan = planContainer(
      block({
        name: "nightly etl",
        env: { A: "1", GONE: null },
        labels: { "infrablocks.io/run": "r1" },
        volumes: ["/data:/data:ro"],
        memLimit: "512m",
        memswapLimit: "1g",
        cpuLimit: 1.5,
        privileged: true,
        user: "1000:1000",
        gpus: "all",
      }),
      ["run", "--fast"],
      { ...context, baseEnvironment: { GONE: "x", B: "2" } },
    );
    expect(plan.name).toBe("nightly-etl");
    expect(plan.pullPolicy).toBe("IfNotPresent");
    expect(plan.body).toEqual({
      Image: "team/app:1.0",
      Cmd: ["run", "--fast"],
      Env: ["B=2", "A=1"],
      Labels: { "io.infrablocks.version": "9.9.9", "io.infrablocks.run": "r1" },
      User: "1000:1000",
      Tty: false,
      OpenStdin: false,
      StdinOnce: false,
      AttachStdin: false,
      AttachStdout: true,
      AttachStderr: true,
      HostConfig: {
        AutoRemove: false,
        Binds: ["/data:/data:ro"],
        Memory: 512 * 2 ** 20,
        MemorySwap: 2 ** 30,
        NanoCpus: 1_500_000_000,
        Privileged: true,
        ExtraHosts: ["host.docker.internal:host-gateway"],
        DeviceRequests: [{ Driver: "", Count: -1, Capabilities: [["gpu"]] }],
      },
    });
  });

  it("never asks the engine to remove the container, whatever createOptions say", () => {
    const plan = planContainer(
      block({ autoRemove: true, createOptions: { HostConfig: { AutoRemove: true } } }),
      ["x"],
      context,
    );
    expect((plan.body.HostConfig as Record<string, unknown>).AutoRemove).toBe(false);
  });

  it("creates with the first network and connects the others later", () => {
    const plan = planContainer(block({ networks: ["front", "back", "audit"] }), ["x"], context);
    expect(plan.body.NetworkingConfig).toEqual({ EndpointsConfig: { front: {} } });
    expect((plan.body.HostConfig as Record<string, unknown>).NetworkMode).toBe("front");
    expect(plan.extraNetworks).toEqual(["back", "audit"]);
  });

  it("gives GPUs by count or by device ID", () => {
    const byCount = planContainer(block({ gpus: 2 }), ["x"], context).body.HostConfig as Record<
      string,
      unknown
    >;
    expect(byCount.DeviceRequests).toEqual([{ Driver: "", Count: 2, Capabilities: [["gpu"]] }]);
    const byId = planContainer(block({ gpus: ["GPU-1"] }), ["x"], context).body.HostConfig as Record<
      string,
      unknown
    >;
    expect(byId.DeviceRequests).toEqual([{ Driver: "", DeviceIDs: ["GPU-1"], Capabilities: [["gpu"]] }]);
  });

  it("skips the host alias on old engines, with a warning", () => {
    const plan = planContainer(block({}), ["x"], { ...context, hostGateway: false });
    expect((plan.body.HostConfig as Record<string, unknown>).ExtraHosts).toBeUndefined();
    expect(plan.warnings[0]).toContain("older than 20.10");
  });

  it.each([
    [{ networks: ["a"], networkMode: "host" }, "networkMode: cannot be combined with networks"],
    [{ memswapLimit: "1g" }, "memswapLimit: needs memLimit"],
    [{ memLimit: "1g", memswapLimit: "512m" }, "memswapLimit: must be at least memLimit"],
  ])("refuses %j", (fields, issue) => {
    try {
      planContainer(block(fields), ["x"], context);
      expect.unreachable();
    } catch (error) {
      expect(isInfrablocksError(error, "INVALID_DOCUMENT")).toBe(true);
      expect((error as { issues: string[] }).issues).toEqual([expect.stringContaining(issue)]);
    }
  });

  it("accepts unlimited swap", () => {
    const plan = planContainer(block({ memLimit: "1g", memswapLimit: -1 }), ["x"], context);
    expect((plan.body.HostConfig as Record<string, unknown>).MemorySwap).toBe(-1);
  });
});

describe("previewDocument", () => {
  it("masks secret-looking variables, also from createOptions, and never shows the registry password", () => {
    const config = block({
      image: "127.0.0.1:5000/team/app",
      env: { API_TOKEN: "tok-123456", PLAIN: "visible" },
      createOptions: { Env: ["DB_PASSWORD=hunter2-pw"] },
      imageRegistry: {
        type: "docker-registry",
        username: "me",
        password: "registry-pw-1",
        registryUrl: "127.0.0.1:5000",
      },
    });
    const document = previewDocument(config, planContainer(config, ["x"], context));
    const text = JSON.stringify(document);
    expect(text).not.toContain("tok-123456");
    expect(text).not.toContain("hunter2-pw");
    expect(text).not.toContain("registry-pw-1");
    expect((document.create as { Env: string[] }).Env).toEqual([
      "DB_PASSWORD=********",
      "API_TOKEN=********",
      "PLAIN=visible",
    ]);
    expect(document.pull).toEqual({
      image: "127.0.0.1:5000/team/app",
      policy: "Always",
      when: "always",
      credentials: "imageRegistry: 'me' at '127.0.0.1:5000', password ********",
    });
  });

  it("names the block's Docker context, and nothing of an engine otherwise", () => {
    const named = block({ dockerContext: "colima" });
    expect(previewDocument(named, planContainer(named, ["x"], context)).dockerContext).toBe("colima");
    const unnamed = block({});
    expect(previewDocument(unnamed, planContainer(unnamed, ["x"], context))).not.toHaveProperty(
      "dockerContext",
    );
  });
});
