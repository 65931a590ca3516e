import type { ImageReference } from "./image-reference.js";

export const PULL_POLICIES = ["IfNotPresent", "Always", "Never"] as const;
export type PullPolicy = (typeof PULL_POLICIES)[number];

/**
 * The policy in force: the block's, else Kubernetes' rule. A digest pins the content, so it is
 * pulled only if absent; otherwise `latest` or no tag is pulled always, any other tag if absent.
 */
export function effectivePullPolicy(image: ImageReference, explicit: PullPolicy | undefined): PullPolicy {
  if (explicit) return explicit;
  if (image.digest) return "IfNotPresent";
  return image.tag === undefined || image.tag === "latest" ? "Always" : "IfNotPresent";
}
