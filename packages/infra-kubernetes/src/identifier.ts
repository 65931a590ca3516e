import { InfrablocksError } from "@infrablocks/core";

/** `<cluster uid>:<namespace>:<job name>`, the identifier of a kubernetes-job run. */
export function jobIdentifier(clusterUid: string, namespace: string, name: string): string {
  return `${clusterUid}:${namespace}:${name}`;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Splits an identifier from the right: namespaces and job names never hold a colon, so a cluster id
 * that does (an address-based fallback, say) still parses.
 */
export function parseJobIdentifier(identifier: string): {
  clusterUid: string;
  namespace: string;
  name: string;
} {
  const nameStart = identifier.lastIndexOf(":");
  const namespaceStart = identifier.lastIndexOf(":", nameStart - 1);
  const clusterUid = identifier.slice(0, Math.max(namespaceStart, 0));
  const namespace = identifier.slice(namespaceStart + 1, nameStart);
  const name = identifier.slice(nameStart + 1);
  if (
    namespaceStart <= 0 ||
    !DNS_LABEL.test(namespace) ||
    namespace.length > 63 ||
    !DNS_LABEL.test(name) ||
    name.length > 63
  ) {
    throw new InfrablocksError(
      "INVALID_IDENTIFIER",
      `'${identifier}' is not a kubernetes-job identifier; expected <cluster uid>:<namespace>:<job name>, e.g. 2f1c9a4e-0d5b-4c3e-9a57-3e1b2c4d5e6f:default:my-job-x7k2p.`,
      { blockType: "kubernetes-job" },
    );
  }
  return { clusterUid, namespace, name };
}
