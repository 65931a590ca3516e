import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, freshHome } from "./cli-support.js";
import { orphanRun, tickingCommand, writeDocument } from "./runs-support.js";

/** Pretty JSON, as `ls --json`, `types --json` and `schema` print it. */
const pretty = (text: string) => `${JSON.stringify(JSON.parse(text), null, 2)}\n`;

describe("ps", () => {
  it("says nothing about Kubernetes when no cluster is configured", async () => {
    const home = await freshHome();
    const result = await cli(["ps"], {
      home,
      env: { KUBECONFIG: join(home, "no-such-kubeconfig"), KUBERNETES_SERVICE_HOST: "" },
    });
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(/kubernetes/i);
  });

  it("notes, and still succeeds, when the configured cluster cannot be reached", async () => {
    const home = await freshHome();
    const kubeconfig = join(home, "kubeconfig");
    await writeFile(
      kubeconfig,
      [
        "apiVersion: v1",
        "kind: Config",
        "current-context: nowhere",
        "clusters: [{name: nowhere, cluster: {server: 'https://127.0.0.1:1'}}]",
        "users: [{name: nobody, user: {token: not-a-real-token}}]",
        "contexts: [{name: nowhere, context: {cluster: nowhere, user: nobody}}]",
      ].join("\n"),
    );
    const result = await cli(["ps"], { home, env: { KUBECONFIG: kubeconfig, KUBERNETES_SERVICE_HOST: "" } });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^note: kubernetes-job runs are not listed: .*127\.0\.0\.1:1/m);
    expect(result.stderr).not.toContain("not-a-real-token");
  });

  it("prints --json the way ls --json does: a pretty array", async () => {
    const home = await freshHome();
    const doc = await writeDocument(home, "ticking", { type: "process", command: tickingCommand(60, 0) });
    await cli(["save", doc, "--name", "ticking"], { home });
    await orphanRun(doc, "ps-format", { home });
    try {
      const listed = await cli(["ps", "--json"], { home });
      expect(listed.code, listed.stderr).toBe(0);
      expect(JSON.parse(listed.stdout)).toContainEqual(expect.objectContaining({ runId: "ps-format" }));
      expect(listed.stdout).toBe(pretty(listed.stdout));

      const saved = await cli(["ls", "--json"], { home });
      expect(JSON.parse(saved.stdout)).toHaveLength(1);
      expect(saved.stdout).toBe(pretty(saved.stdout));
    } finally {
      const swept = await cli(["sweep", doc, "--json", "--grace", "1"], { home });
      expect(swept.code, swept.stderr).toBe(0);
      expect(JSON.parse(swept.stdout)).toContainEqual(
        expect.objectContaining({ runId: "ps-format", outcome: "ended" }),
      );
      expect(swept.stdout).toBe(pretty(swept.stdout));
    }
  }, 120_000);
});
