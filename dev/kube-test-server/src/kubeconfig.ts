import { stringify } from "yaml";

export const CONTEXT_NAME = "kube-test";

export function buildKubeconfig(url: string, caCertPem: string, token: string): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: CONTEXT_NAME,
        cluster: { server: url, "certificate-authority-data": Buffer.from(caCertPem).toString("base64") },
      },
    ],
    users: [{ name: CONTEXT_NAME, user: { token } }],
    contexts: [
      { name: CONTEXT_NAME, context: { cluster: CONTEXT_NAME, user: CONTEXT_NAME, namespace: "default" } },
    ],
    "current-context": CONTEXT_NAME,
    preferences: {},
  };
}

export function kubeconfigToYaml(config: Record<string, unknown>): string {
  return stringify(config);
}
