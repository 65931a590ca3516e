import { describe, expect, it } from "vitest";
import { parseYaml as parse, driverContext } from "@infrablocks/core";
import { kubernetesJobBlockType } from "./kubernetes-job-block.js";
import { kubernetesJobInfrastructure } from "./kubernetes-job-runtime.js";

describe("preview", () => {
  it("prints the final manifest as YAML with secret-looking env values masked, without a cluster", async () => {
    const block = kubernetesJobBlockType.schema.parse({
      image: "busybox:1.36",
      command: ["echo", "hi"],
      env: { API_TOKEN: "sup3r-s3cret", GREETING: "hello" },
      customizations: [{ op: "add", path: "/spec/activeDeadlineSeconds", value: 600 }],
    });
    const text = await kubernetesJobInfrastructure.preview(
      block,
      driverContext({
        baseEnvironment: { INFRABLOCKS_API_KEY: "inherited-s3cret" },
      }),
    );
    expect(text).not.toContain("s3cret");
    const manifest = parse(text);
    expect(manifest.spec.activeDeadlineSeconds).toBe(600);
    expect(manifest.spec.template.spec.containers[0].env).toEqual([
      { name: "INFRABLOCKS_API_KEY", value: "********" },
      { name: "API_TOKEN", value: "********" },
      { name: "GREETING", value: "hello" },
    ]);
    expect(text.indexOf("apiVersion")).toBeLessThan(text.indexOf("kind"));
  });

  it("refuses a block without a command", async () => {
    const block = kubernetesJobBlockType.schema.parse({ image: "busybox" });
    await expect(
      kubernetesJobInfrastructure.preview(block, driverContext({ baseEnvironment: {} })),
    ).rejects.toMatchObject({
      code: "EMPTY_COMMAND",
    });
  });
});
