import { InfrablocksError } from "@infrablocks/core/runtime";

/** `<cluster uid>:<namespace>:<job name>`, the identifier of a kubernetes-job run. */
export function jobIdentifier(clusterUid: string, namespace: string, name: string): string {
  return `${clusterUid}:${namespace}:${name}`;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Exactly three parts: no cluster id holds a colon (a namespace uid, a `server-` hash or the
 * variable's value as given), so `a:b:c:d` is malformed rather than read as cluster `a:b`.
 */
export function parseJobIdentifier(identifier: string): {
  clusterUid: string;
  namespace: string;
  name: string;
} {
  const parts = identifier.split(":");
  const [clusterUid = "", namespace = "", name = ""] = parts;
  if (
    parts.length !== 3 ||
    clusterUid === "" ||
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
