import { execFile } from "node:child_process";
import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The test image: the static busybox on an empty base, so no registry on the internet is needed. */
export const BUSYBOX_IMAGE = "infrablocks-test/busybox:latest";

/**
 * Builds `tag` from a Dockerfile in a fresh context; `files` are copied into the context first.
 * The classic builder: the engine here is 20.10 and the CLI has no buildx plugin.
 */
export async function buildImage(
  tag: string,
  dockerfile: string,
  files: Record<string, string> = {},
): Promise<string> {
  const context = await mkdtemp(join(tmpdir(), "infrablocks-build-"));
  try {
    for (const [name, source] of Object.entries(files)) await copyFile(source, join(context, name));
    await writeFile(join(context, "Dockerfile"), dockerfile);
    await run("docker", ["build", "--quiet", "--tag", tag, context], {
      env: { ...process.env, DOCKER_BUILDKIT: "0" },
      timeout: 120_000,
    });
    return tag;
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}

/**
 * Builds {@link BUSYBOX_IMAGE} from /bin/busybox (Debian's busybox-static). The engine caches the
 * layers, so calling this from every suite costs little after the first build.
 */
export async function ensureBusyboxImage(tag = BUSYBOX_IMAGE): Promise<string> {
  return buildImage(
    tag,
    'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\n',
    { busybox: "/bin/busybox" },
  );
}
