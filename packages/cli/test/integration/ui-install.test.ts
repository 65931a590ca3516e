import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, freshHome, REPO } from "./cli-support.js";

// `infrablocks ui` from installs a user makes, run from a folder outside the monorepo: the form page must
// come with the CLI's own package (dist/web), not from the private @infrablocks/web.

const run = promisify(execFile);
const PACKED = ["core", "infra-process", "cli"];

describe("infrablocks ui from an installed CLI", () => {
  let scratch: string;
  let home: string;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), "ib-ui-install-"));
    home = await freshHome();
  });

  afterAll(async () => {
    await Promise.all(
      [scratch, home].filter(Boolean).map((dir) => rm(dir, { recursive: true, force: true })),
    );
  });

  it("serves the page and the installed schemas after `npm install -g ./packages/cli` (the README's set-up)", async () => {
    const prefix = join(scratch, "global");
    // A prefix of the test's own, so the machine's global packages are left alone.
    await run("npm", ["install", "-g", "./packages/cli", "--prefix", prefix, "--no-audit", "--no-fund"], {
      cwd: REPO,
    });
    await checkUi(join(prefix, "bin/infrablocks"), scratch, home, ["process", "docker-container"]);
  });

  it("serves the page from the packed tarballs installed with plain npm into a fresh project", async () => {
    const tarballs = join(scratch, "tarballs");
    for (const name of PACKED) {
      await run("pnpm", ["pack", "--pack-destination", tarballs], { cwd: join(REPO, "packages", name) });
    }
    const project = join(scratch, "project");
    await mkdir(project);
    await writeFile(join(project, "package.json"), '{ "name": "ui-user", "private": true }\n');
    const files = PACKED.map((name) => join(tarballs, `infrablocks-${name}-0.1.0.tgz`));
    await run("npm", ["install", "--no-audit", "--no-fund", ...files], { cwd: project });
    // Only the process driver is installed: the page offers its type alone.
    await checkUi(join(project, "node_modules/.bin/infrablocks"), scratch, home, ["process"]);
  }, 180_000);
});

/**
 * Starts `ui --port 0` from `cwd` (npm's link to bin.cjs, run with node), fetches the page, its script and
 * index.json, then stops it with Ctrl-C.
 */
async function checkUi(bin: string, cwd: string, home: string, slugs: string[]): Promise<void> {
  const server = cli(["ui", "--port", "0"], { home, cwd, bin });
  try {
    const url = await printedUrl(server.child);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await page.text();
    expect(html).toContain('<div id="root"></div>');
    const script = /<script type="module" crossorigin src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script, html).toBeDefined();
    const bundle = await fetch(new URL(script as string, url));
    expect(bundle.status).toBe(200);
    expect(await bundle.text()).toContain("index.json"); // the page loads the schemas from beside itself

    const schemas = (await (await fetch(new URL("index.json", url))).json()) as Record<
      string,
      { block_type_slug: string; properties: object }
    >;
    expect(Object.keys(schemas).sort()).toEqual(expect.arrayContaining(slugs));
    if (slugs.length === 1) expect(Object.keys(schemas)).toEqual(slugs);
    for (const slug of slugs) {
      expect(schemas[slug]?.block_type_slug).toBe(slug);
      expect(schemas[slug]?.properties).toHaveProperty("command");
    }
  } finally {
    server.child.kill("SIGINT");
  }
  const result = await server;
  expect(result.code, result.stderr).toBe(0);
}

function printedUrl(child: ReturnType<typeof cli>["child"]): Promise<string> {
  return new Promise((resolveUrl, rejectUrl) => {
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^(http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(stdout);
      if (match) resolveUrl(match[1] as string);
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once("exit", (code) =>
      rejectUrl(new Error(`infrablocks ui exited with ${code} first:\n${stderr}`)),
    );
  });
}
