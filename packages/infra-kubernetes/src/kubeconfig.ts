import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { type BlockProblem, InfrablocksError } from "@infrablocks/core/runtime";
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
  return entryNames(kubeconfig.contexts);
}

/** The names of a kubeconfig list's entries (its contexts, its users), in file order. */
function entryNames(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry) => (isRecord(entry) && typeof entry.name === "string" ? [entry.name] : []));
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

/** The fields of a kubeconfig user (kubectl's AuthInfo). */
const USER_FIELDS = [
  "client-certificate",
  "client-certificate-data",
  "client-key",
  "client-key-data",
  "token",
  "tokenFile",
  "as",
  "as-uid",
  "as-groups",
  "as-user-extra",
  "username",
  "password",
  "auth-provider",
  "exec",
  "extensions",
];
/**
 * The kubeconfig as the Kubernetes client can use it: each user's `tokenFile` read into its `token`,
 * trimmed, as kubectl does (the client reads no `tokenFile`, and would go without credentials). A
 * `token` the user has wins, as in kubectl.
 */
export function clientKubeconfig(kubeconfig: Record<string, unknown>): Record<string, unknown> {
  if (!Array.isArray(kubeconfig.users)) return kubeconfig;
  const users = kubeconfig.users.map((entry) => {
    if (!isRecord(entry) || !isRecord(entry.user)) return entry;
    const { tokenFile, ...user } = entry.user;
    if (typeof tokenFile !== "string" || user.token !== undefined) return entry;
    let token: string;
    try {
      token = readFileSync(tokenFile, "utf8").trim();
    } catch (error) {
      throw new Error(
        `the tokenFile of user '${String(entry.name)}', ${tokenFile}, cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      );
    }
    return { ...entry, user: { ...user, token } };
  });
  return { ...kubeconfig, users };
}

/** Impersonation the Kubernetes client does not apply: the run would act as the user, without them. */
const UNAPPLIED_USER_FIELDS = new Set(["as-uid", "as-groups", "as-user-extra"]);

/**
 * Problems with the user of the selected context, by path inside the kubeconfig: a user that is not
 * defined, and fields kubectl would skip in silence (a typo such as `tokn`, leaving the user without
 * credentials) or that the client would not apply.
 */
export function contextUserProblems(
  kubeconfig: Record<string, unknown>,
  contextName?: string,
): BlockProblem[] {
  const selected = selectedContext(kubeconfig, contextName);
  const contexts = Array.isArray(kubeconfig.contexts) ? kubeconfig.contexts : [];
  const contextIndex = contexts.findIndex((entry) => isRecord(entry) && entry.name === selected);
  const context = contexts[contextIndex] as Record<string, unknown> | undefined;
  const userName = isRecord(context?.context) ? context.context.user : undefined;
  if (typeof userName !== "string" || userName === "") return [];
  const users = Array.isArray(kubeconfig.users) ? kubeconfig.users : [];
  const userIndex = users.findIndex((entry) => isRecord(entry) && entry.name === userName);
  if (userIndex === -1) {
    const names = entryNames(users).map((name) => `'${name}'`);
    return [
      {
        path: `contexts[${contextIndex}].context.user`,
        message: `user '${userName}' of context '${selected}' is not in the kubeconfig's users${names.length > 0 ? ` (it has ${names.join(", ")})` : ""}`,
      },
    ];
  }
  const user = (users[userIndex] as Record<string, unknown>).user;
  if (!isRecord(user)) return [];
  return Object.keys(user).flatMap((field) => {
    const path = `users[${userIndex}].user.${field}`;
    if (UNAPPLIED_USER_FIELDS.has(field)) {
      return [
        {
          path,
          message: `infrablocks' Kubernetes client does not apply ${field}, so the run would act without it; remove it, or use a user whose own permissions fit`,
        },
      ];
    }
    if (USER_FIELDS.includes(field)) return [];
    return [
      {
        path,
        message: `not a kubeconfig user field (kubectl skips it in silence); the fields are ${USER_FIELDS.join(", ")}`,
      },
    ];
  });
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
