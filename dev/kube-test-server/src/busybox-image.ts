import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import { imagePresent } from "./images.js";

export const DEFAULT_BUSYBOX_TAG = "infrablocks-test/busybox:latest";

/** Debian's busybox-static: one static binary, so the image needs no base layer and no registry. */
const BUSYBOX_BINARY = "/bin/busybox";

const DOCKERFILE = `FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
`;

const builds = new Map<string, Promise<string>>();

async function build(docker: Docker, tag: string): Promise<string> {
  if (await imagePresent(docker, tag)) return tag;
  const context = await mkdtemp(join(tmpdir(), "infrablocks-busybox-"));
  try {
    await copyFile(BUSYBOX_BINARY, join(context, "busybox"));
    await writeFile(join(context, "Dockerfile"), DOCKERFILE);
    const stream = await docker.buildImage(
      { context, src: ["Dockerfile", "busybox"] },
      { t: tag, rm: true, forcerm: true },
    );
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(stream, (error: Error | null, output: { error?: string }[]) => {
        const failed = output?.find((o) => o.error);
        if (error) reject(error);
        else if (failed?.error) reject(new Error(`building ${tag} failed: ${failed.error}`));
        else resolve();
      });
    });
    return tag;
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}

/**
 * Makes sure a tiny busybox image (`sh`, `sleep`, `echo`, … in /bin, no entrypoint) exists on the
 * Docker Engine, building it from the host's static busybox when missing. Resolves to the tag.
 */
export function ensureBusyboxImage(
  tag = DEFAULT_BUSYBOX_TAG,
  opts: { dockerSocketPath?: string } = {},
): Promise<string> {
  const key = `${opts.dockerSocketPath ?? ""}|${tag}`;
  let pending = builds.get(key);
  if (!pending) {
    const docker = opts.dockerSocketPath ? new Docker({ socketPath: opts.dockerSocketPath }) : new Docker();
    pending = build(docker, tag);
    builds.set(key, pending);
    // A failed build may succeed later (Docker restarted), so only successes are remembered.
    pending.catch(() => builds.delete(key));
  }
  return pending;
}
