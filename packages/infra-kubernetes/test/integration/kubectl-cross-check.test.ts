import { driverContext, parseYaml, stringifyYaml } from "@infrablocks/core";
/**
 * The test server checked against a client we did not write: kubectl creates the Job manifest that
 * `preview` prints, follows its logs, waits for it to complete and deletes it in the foreground.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  clusterAvailable,
  KUBECTL,
  kubectlAvailable,
  REAL_CLUSTER,
  startCluster,
  type TestCluster,
} from "@infrablocks/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusterConfigProblems } from "../../src/cluster-config-checks.js";
import { capture, infrastructure, jobBlock } from "./helpers.js";

const run = promisify(execFile);

describe.runIf(!REAL_CLUSTER && (await kubectlAvailable()) && (await clusterAvailable()))(
  "kubectl against the test server",
  () => {
    let cluster: TestCluster;
    let dir: string;
    let kubeconfig: string;
    beforeAll(async () => {
      cluster = await startCluster();
      dir = await mkdtemp(join(tmpdir(), "infrablocks-kubectl-"));
      kubeconfig = join(dir, "kubeconfig.yaml");
      await writeFile(kubeconfig, cluster.kubeconfigYaml, { mode: 0o600 });
    }, 120_000);
    afterAll(async () => {
      await cluster?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    const kubectl = async (...args: string[]): Promise<string> => {
      const { stdout } = await run(KUBECTL, args, {
        env: { ...process.env, KUBECONFIG: kubeconfig },
        timeout: 60_000,
      });
      return stdout;
    };

    /**
     * `kubectl logs -f`, again while the container waits to start: kubectl asks as soon as the job has
     * a pod, and a kubelet (the test server too) answers 400 until its container runs.
     */
    const followLogs = async (object: string): Promise<string> => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await kubectl("logs", "-f", object, "--pod-running-timeout=30s");
        } catch (error) {
          if (attempt >= 50 || !(error as Error).message.includes("is waiting to start")) throw error;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
    };

    it("creates the previewed Job, follows its logs, waits for completion and deletes it in the foreground", async () => {
      const block = jobBlock(cluster, {
        command: ["sh", "-c", "for i in 1 2 3 4 5; do echo kubectl-line-$i; usleep 200000; done"],
      });
      const manifest = join(dir, "job.yaml");
      await writeFile(manifest, await infrastructure.preview(block, driverContext({ baseEnvironment: {} })));
      // The test server has no OpenAPI document, which kubectl's own schema validation needs.
      const created = (await kubectl("create", "-f", manifest, "-o", "name", "--validate=false")).trim();
      expect(created).toMatch(/^job\.batch\/infrablocks-job-[a-z0-9-]+$/);

      const started = Date.now();
      expect(await followLogs(created)).toBe([1, 2, 3, 4, 5].map((i) => `kubectl-line-${i}\n`).join(""));
      expect(await kubectl("wait", "--for=condition=complete", created, "--timeout=30s")).toBe(
        `${created} condition met\n`,
      );
      // A watch that answers at once: `kubectl wait` is not held up by the server (it took 10 s when
      // the test server sent a watch's head only with its first event).
      expect(Date.now() - started).toBeLessThan(10_000);

      const name = created.slice("job.batch/".length);
      expect(await kubectl("delete", created, "--cascade=foreground", "--timeout=30s")).toBe(
        `job.batch "${name}" deleted\n`,
      );
      expect(await kubectl("get", "jobs,pods", "-l", `job-name=${name}`, "-o", "name")).toBe("");
      expect(await kubectl("get", "jobs", "-o", "name")).not.toContain(name);
    }, 90_000);

    it.each([
      [
        "a JSON Patch text",
        '[{"op": "replace", "path": "/spec/backoffLimit", "value": 2},' +
          ' {"op": "add", "path": "/metadata/labels/example.com~1patched", "value": "z"}]',
      ],
      [
        "a list",
        [
          { op: "replace", path: "/spec/backoffLimit", value: 2 },
          { op: "add", path: "/metadata/labels/example.com~1patched", value: "z" },
        ],
      ],
    ])(
      "the Job kubectl reads holds what the document says, customizations as %s",
      async (_, customizations) => {
        const run = capture();
        const block = jobBlock(cluster, {
          name: "cross check",
          namespace: "default",
          command: ["sh", "-c", 'echo "$GREETER"'],
          env: { GREETER: "infrablocks" },
          labels: { "example.com/purpose": "demo" },
          finishedJobTtl: 300,
          customizations,
        });
        const result = await infrastructure.run(block, run.context);
        expect(result.statusCode).toBe(0);
        expect(run.stdout()).toBe("infrablocks\n");
        const name = result.identifier.split(":")[2] as string;
        const job = JSON.parse(await kubectl("get", "job", name, "-n", "default", "-o", "json"));
        expect(job.metadata.labels["example.com/purpose"]).toBe("demo");
        // `~1` is an escaped '/': RFC 6901 reads the segment as the key "example.com/patched".
        expect(job.metadata.labels["example.com/patched"]).toBe("z");
        expect(job.spec.backoffLimit).toBe(2);
        expect(job.spec.ttlSecondsAfterFinished).toBe(300);
        expect(job.spec.template.spec.containers[0].env).toContainEqual({
          name: "GREETER",
          value: "infrablocks",
        });
        await kubectl("delete", "job", name, "--cascade=foreground", "--timeout=30s");
      },
      60_000,
    );

    it("reads a user's tokenFile as kubectl does, trailing newline and all", async () => {
      const kubeconfigObject = parseYaml(cluster.kubeconfigYaml) as {
        users: { name: string; user: Record<string, unknown> }[];
      };
      const [entry] = kubeconfigObject.users;
      if (!entry) throw new Error("the test server's kubeconfig has no user");
      const tokenFile = join(dir, "token");
      await writeFile(tokenFile, `${String(entry.user.token)}\n`, { mode: 0o600 });
      entry.user = { tokenFile };
      const withTokenFile = join(dir, "token-file-kubeconfig.yaml");
      await writeFile(withTokenFile, stringifyYaml(kubeconfigObject), { mode: 0o600 });
      const { stdout } = await run(KUBECTL, ["get", "namespace", "default", "-o", "name"], {
        env: { ...process.env, KUBECONFIG: withTokenFile },
      });
      expect(stdout.trim()).toBe("namespace/default");

      const block = jobBlock(cluster, {
        clusterConfig: { type: "kubernetes-cluster-config", config: kubeconfigObject },
        command: ["echo", "from a token file"],
      });
      const captured = capture();
      const result = await infrastructure.run(block, captured.context);
      expect(result.statusCode).toBe(0);
      expect(captured.stdout()).toBe("from a token file\n");
    }, 60_000);

    it("accepts every kind of user kubectl writes (token, certificate, basic, exec plugin, auth provider)", async () => {
      const written = join(dir, "written-kubeconfig.yaml");
      const config = async (...args: string[]) =>
        run(KUBECTL, ["config", ...args], { env: { ...process.env, KUBECONFIG: written } });
      await config("set-cluster", "c", "--server=https://127.0.0.1:6443");
      const users: Record<string, string[]> = {
        token: ["--token=abc"],
        certificate: ["--client-certificate=/etc/hostname", "--client-key=/etc/hostname", "--embed-certs"],
        basic: ["--username=a", "--password=b"],
        exec: [
          "--exec-command=aws",
          "--exec-api-version=client.authentication.k8s.io/v1beta1",
          "--exec-arg=eks",
        ],
        provider: ["--auth-provider=oidc", "--auth-provider-arg=idp-issuer-url=https://issuer.example"],
      };
      for (const [user, flags] of Object.entries(users)) {
        await config("set-credentials", user, ...flags);
        await config("set-context", user, "--cluster=c", `--user=${user}`);
      }
      const text = await readFile(written, "utf8");
      for (const user of Object.keys(users)) {
        expect(clusterConfigProblems({ config: text, contextName: user } as never), user).toEqual([]);
      }
    });
  },
);
