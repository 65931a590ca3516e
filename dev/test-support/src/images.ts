import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_BUSYBOX_TAG, ensureBusyboxImage } from "@infrablocks/kube-test-server";
import Docker from "dockerode";

/**
 * The test image: the host's static busybox on an empty base, built without any registry. The Kubernetes
 * test server builds it (its pods run it), so that package stays free of this one.
 */
export const BUSYBOX_IMAGE = DEFAULT_BUSYBOX_TAG;
export { ensureBusyboxImage };

/** Builds `tag` from a Dockerfile alone (no other files in the context), failing on any build error. */
export async function buildImage(tag: string, dockerfile: string): Promise<string> {
  const context = await mkdtemp(join(tmpdir(), "infrablocks-build-"));
  try {
    await writeFile(join(context, "Dockerfile"), dockerfile);
    const docker = new Docker();
    const stream = await docker.buildImage(
      { context, src: ["Dockerfile"] },
      { t: tag, rm: true, forcerm: true },
    );
    const output = await new Promise<{ error?: string }[]>((resolve, reject) =>
      docker.modem.followProgress(stream, (error: Error | null, events: { error?: string }[]) =>
        error ? reject(error) : resolve(events),
      ),
    );
    const failure = output.find((event) => event.error);
    if (failure) throw new Error(`building ${tag} failed: ${failure.error}`);
    return tag;
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}
