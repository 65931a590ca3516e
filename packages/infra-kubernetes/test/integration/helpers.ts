import { PassThrough } from "node:stream";
import { newRunId, type RunContext } from "@infrablocks/core";
import type { TestCluster } from "@infrablocks/test-support";
import { type KubernetesJobBlock, kubernetesJobBlockType } from "../../src/index.js";
import { kubernetesJobInfrastructure } from "../../src/kubernetes-job-runtime.js";

/** A validated kubernetes-job block for the cluster; `fields` override the defaults. */
export function jobBlock(cluster: TestCluster, fields: Record<string, unknown>): KubernetesJobBlock {
  return kubernetesJobBlockType.schema.parse({
    clusterConfig: { type: "kubernetes-cluster-config", config: cluster.kubeconfigYaml },
    image: cluster.image,
    imagePullPolicy: cluster.imagePullPolicy,
    finishedJobTtl: 300,
    ...fields,
  });
}

export interface Capture {
  context: RunContext;
  stdout(): string;
  messages: string[];
  identifiers: string[];
}

export function capture(baseEnvironment: Record<string, string> = {}): Capture {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let text = "";
  stdout.on("data", (chunk: Buffer) => {
    text += chunk.toString("utf8");
  });
  stderr.resume();
  const messages: string[] = [];
  const identifiers: string[] = [];
  const log = (level: string) => (message: string) => messages.push(`${level}: ${message}`);
  return {
    context: {
      stdout,
      stderr,
      log: { info: log("info"), warn: log("warn"), error: log("error") },
      baseEnvironment,
      redact: (text: string) => text,
      runId: newRunId(),
      onStarted: (identifier: string) => identifiers.push(identifier),
    },
    stdout: () => text,
    messages,
    identifiers,
  };
}

export const infrastructure = kubernetesJobInfrastructure;

/** `seq 1 n` printed by busybox, as the lines a job's output must equal. */
export function numberedLines(count: number): string {
  return `${Array.from({ length: count }, (_, i) => String(i + 1)).join("\n")}\n`;
}

/** Resolves when `predicate` holds, checking on every captured message; bounded. */
export async function until(predicate: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
