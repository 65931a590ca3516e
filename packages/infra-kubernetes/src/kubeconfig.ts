import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { InfrablocksError } from "@infrablocks/core/runtime";
import { isRecord } from "./is-record.js";
import { parseYamlText } from "./yaml-text.js";

/** A kubeconfig as the block holds it: the parsed object, or its YAML text. */
export type KubeconfigValue = Record<string, unknown> | string;

/** The kubeconfig as an object; throws an Error (without the file's content) when it is not one. */
export function kubeconfigObject(config: KubeconfigValue): Record<string, unknown> {
  const parsed = typeof config === "string" ? parseYamlText(config, "the kubeconfig") : config;
  if (!isRecord(parsed))
    throw new Error("the kubeconfig must be a mapping with clusters, users and contexts");
  return parsed;
}

/** The names of the contexts a kubeconfig defines, in file order. */
export function contextNames(kubeconfig: Record<string, unknown>): string[] {
  const contexts = kubeconfig.contexts;
  if (!Array.isArray(contexts)) return [];
  return contexts.flatMap((context) =>
    isRecord(context) && typeof context.name === "string" ? [context.name] : [],
  );
}

/** The context a block uses: its `contextName`, else the kubeconfig's `current-context`. */
export function selectedContext(
  kubeconfig: Record<string, unknown>,
  contextName?: string,
): string | undefined {
  const current = kubeconfig["current-context"];
  return contextName ?? (typeof current === "string" && current !== "" ? current : undefined);
}

/**
 * Why a context selection is unusable, or undefined when it is fine: an unknown name lists the ones
 * the file has, as Prefect's `from_file` did.
 */
export function contextProblem(
  kubeconfig: Record<string, unknown>,
  contextName?: string,
): string | undefined {
  const available = contextNames(kubeconfig);
  const selected = selectedContext(kubeconfig, contextName);
  if (available.length === 0) {
    // Nothing to pick from: say what to add rather than "one of: none".
    const named = selected === undefined ? "" : `context '${selected}' is not in the kubeconfig: `;
    return `${named}the kubeconfig defines no contexts; add one under 'contexts' (a name, a cluster and a user) and set current-context or contextName to it`;
  }
  const listed = available.map((name) => `'${name}'`).join(", ");
  if (selected === undefined) {
    return `the kubeconfig has no current-context; set contextName to one of: ${listed}`;
  }
  if (!available.includes(selected)) {
    const source = contextName === undefined ? "the kubeconfig's current-context" : "context";
    return `${source} '${selected}' is not in the kubeconfig; specify one of: ${listed}`;
  }
  return undefined;
}

/** `$KUBECONFIG` (its first path) or `~/.kube/config`, as kubectl reads it. */
export function defaultKubeconfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const first = env.KUBECONFIG?.split(process.platform === "win32" ? ";" : ":").find((path) => path !== "");
  return resolve(first ?? join(homedir(), ".kube", "config"));
}

/**
 * A `kubernetes-cluster-config` block document from a kubeconfig file (default `$KUBECONFIG` or
 * `~/.kube/config`), using `contextName` or the file's current context.
 */
export async function clusterConfigFromFile(
  path?: string,
  contextName?: string,
): Promise<{ type: "kubernetes-cluster-config"; config: Record<string, unknown>; contextName: string }> {
  const file = path ?? defaultKubeconfigPath();
  const config = kubeconfigObject(await readFile(file, "utf8"));
  const problem = contextProblem(config, contextName);
  if (problem) throw new InfrablocksError("INVALID_DOCUMENT", `${file}: ${problem}`);
  return {
    type: "kubernetes-cluster-config",
    config,
    contextName: selectedContext(config, contextName) as string,
  };
}
