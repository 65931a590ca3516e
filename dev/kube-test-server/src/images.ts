import type Docker from "dockerode";

export type PullPolicy = "Always" | "IfNotPresent" | "Never";

function hasTag(image: string): boolean {
  const lastSegment = image.slice(image.lastIndexOf("/") + 1);
  return lastSegment.includes(":");
}

/** Kubernetes' default: Always for `:latest` or untagged images, IfNotPresent for any other tag or digest. */
export function defaultPullPolicy(image: string): PullPolicy {
  if (image.includes("@")) return "IfNotPresent";
  if (!hasTag(image) || image.endsWith(":latest")) return "Always";
  return "IfNotPresent";
}

/** Docker pulls every tag of an untagged name; Kubernetes means `:latest`. */
export function pullReference(image: string): string {
  return image.includes("@") || hasTag(image) ? image : `${image}:latest`;
}

export async function imagePresent(docker: Docker, image: string): Promise<boolean> {
  try {
    await docker.getImage(pullReference(image)).inspect();
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw error;
  }
}

export async function pullImage(docker: Docker, image: string): Promise<void> {
  const stream = await docker.pull(pullReference(image));
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (error: Error | null, output: { error?: string }[]) => {
      const failed = output?.find((o) => o.error);
      if (error) reject(error);
      else if (failed?.error) reject(new Error(failed.error));
      else resolve();
    });
  });
}

/** `docker-pullable://…` / `docker://sha256:…`, as the dockershim kubelet reported image IDs. */
export async function imageId(docker: Docker, image: string): Promise<string> {
  const info = await docker.getImage(pullReference(image)).inspect();
  const digest = info.RepoDigests?.[0];
  return digest ? `docker-pullable://${digest}` : `docker://${info.Id}`;
}
