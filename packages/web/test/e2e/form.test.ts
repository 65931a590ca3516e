import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { get } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { BlockJsonSchema } from "@infrablocks/core";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

// Debian's Chromium, driven by playwright-core: no browser is ever downloaded.
const CHROMIUM = "/usr/bin/chromium";
const REPO = resolve(import.meta.dirname, "../../../..");
const BIN = join(REPO, "packages/cli/bin.cjs");
// The committed screenshots (the README shows them) are rewritten only when asked: every other run
// writes them aside, so that a test run leaves the tree as it was.
const UPDATING_SCREENSHOTS = process.env.INFRABLOCKS_UPDATE_SCREENSHOTS === "1";
const SCREENSHOTS = UPDATING_SCREENSHOTS
  ? resolve(import.meta.dirname, "../../screenshots")
  : join(tmpdir(), `infrablocks-web-screenshots-${process.pid}`);
const PASSWORD = "pw-Zq81-never-on-screen";
const REQUIRE_BROWSER = process.env.INFRABLOCKS_REQUIRE_BROWSER === "1";
const hasBrowser = existsSync(CHROMIUM);

if (!hasBrowser && !REQUIRE_BROWSER) {
  console.warn(`web e2e: skipped, ${CHROMIUM} is missing (apt-get install -y chromium).`);
}

describe.skipIf(!hasBrowser && !REQUIRE_BROWSER)("the form page served by `infrablocks ui`", () => {
  let home: string;
  let profile: string;
  let server: ChildProcess;
  let url: string;
  let schemas: Record<string, BlockJsonSchema>;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    if (!hasBrowser) throw new Error(`INFRABLOCKS_REQUIRE_BROWSER=1 but ${CHROMIUM} is missing.`);
    if (!existsSync(join(REPO, "packages/web/dist/index.html"))) {
      throw new Error("The browser test serves the built page: run `pnpm build` first (`pnpm test` does).");
    }
    home = await mkdtemp(join(tmpdir(), "ib-web-home-"));
    profile = await mkdtemp(join(tmpdir(), "ib-web-chromium-"));
    await mkdir(SCREENSHOTS, { recursive: true });
    ({ server, url } = await startUi(home));
    schemas = (await (await fetch(`${url}index.json`)).json()) as Record<string, BlockJsonSchema>;
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
      timeout: 30_000,
    });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
  });

  afterAll(async () => {
    await context?.close();
    if (server?.exitCode === null) {
      const exited = new Promise((resolveExit) => server.once("exit", resolveExit));
      server.kill("SIGINT");
      await withTimeout(exited, 10_000, "infrablocks ui to stop on SIGINT");
    }
    await Promise.all(
      [home, profile, UPDATING_SCREENSHOTS ? undefined : SCREENSHOTS]
        .filter(Boolean)
        .map((dir) => rm(dir as string, { recursive: true, force: true })),
    );
  });

  it("serves the installed types' schemas as index.json", () => {
    expect(Object.keys(schemas)).toEqual(
      expect.arrayContaining(["process", "docker-container", "docker-registry"]),
    );
    expect(schemas["docker-container"]?.block_schema_references.imageRegistry?.block_type_slug).toBe(
      "docker-registry",
    );
  });

  it("serves the page's folder and nothing outside it", async () => {
    expect(await rawGet(url, "/")).toMatchObject({ status: 200, type: "text/html; charset=utf-8" });
    for (const path of [
      "/../package.json",
      "/%2e%2e/package.json",
      "/assets/../../package.json",
      "/missing.js",
    ]) {
      expect(await rawGet(url, path), path).toMatchObject({ status: 404 });
    }
  });

  it("builds a docker-container with an inline docker-registry that `infrablocks validate` accepts", async () => {
    await openForm(page, url, "process");
    await page.getByLabel("Block type").selectOption("docker-container");
    await expect.poll(() => status(page)).toMatch(/problem/); // the required image is missing

    await page.locator("#root_image").fill("registry.example.com:5000/team/etl:1.4");
    await page.locator("#root_command").getByRole("button", { name: "Add" }).click();
    await page.locator("#root_command_0").fill("etl");
    await page.locator("#root_imagePullPolicy").selectOption({ label: "If not present" });
    await page.getByRole("radio", { name: "Inline" }).check();
    await page.locator("#root_imageRegistry_username").fill("robot");
    await page.locator("#root_imageRegistry_password").fill(PASSWORD);
    await expect.poll(() => status(page)).toMatch(/problem/); // registryUrl is required too
    await page.locator("#root_imageRegistry_registryUrl").fill("registry.example.com:5000");
    await expect.poll(() => status(page)).toBe("Matches the schema");

    const yamlText = await download(page);
    const document = parse(yamlText) as Record<string, unknown>;
    expect(document).toMatchObject({
      type: "docker-container",
      image: "registry.example.com:5000/team/etl:1.4",
      command: ["etl"],
      imagePullPolicy: "IfNotPresent",
      imageRegistry: {
        type: "docker-registry",
        username: "robot",
        password: PASSWORD,
        registryUrl: "registry.example.com:5000",
        reauth: true,
      },
    });
    // Defaults are filled in; empty maps (`env: {}`) are left out, which means the same.
    for (const [name, property] of Object.entries(schemas["docker-container"]?.properties ?? {})) {
      const value = property.default;
      if (value !== undefined && !(typeof value === "object" && !Array.isArray(value))) {
        expect(document[name], name).toEqual(value);
      }
    }
    expect(await validate(yamlText, home)).toMatchObject({ code: 0 });
    await page.evaluate(() => window.scrollTo(0, 0)); // the document panel sticks to the top of the view
    await page.screenshot({ path: join(SCREENSHOTS, "docker-container-filled.png"), fullPage: true });

    await page.getByRole("tab", { name: "JSON" }).click();
    const jsonText = await download(page);
    expect(JSON.parse(jsonText)).toEqual(parse(yamlText));
    expect(await validate(jsonText, home)).toMatchObject({ code: 0 });
  });

  it("never shows the password as text", async () => {
    // The document of the previous test is still on the page.
    const input = page.locator("#root_imageRegistry_password");
    expect(await input.getAttribute("type")).toBe("password");
    expect(await input.inputValue()).toBe(PASSWORD);
    expect(await page.content()).not.toContain(PASSWORD);
    // innerText on purpose: the text as rendered, what a person (or a screen reader) sees.
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what this checks
    expect(await page.locator("body").innerText()).not.toContain(PASSWORD);
    expect(await page.locator("pre").textContent()).toMatch(/"?password"?: "\*{8}"/);
  });

  it("refuses a secret that holds the mask: the field says why, and Copy and Download stay off", async () => {
    // The document of the first test is still on the page.
    const input = page.locator("#root_imageRegistry_password");
    await input.fill("********");
    await expect.poll(() => status(page)).toBe("1 problem to fix");
    expect(await page.getByRole("alert").textContent()).toContain("imageRegistry.password holds the mask");
    expect(await page.locator("form").textContent()).toContain(
      "******** is the mask infrablocks prints in place of a secret, not a secret",
    );
    for (const name of ["Copy", "Download"]) {
      expect(await page.getByRole("button", { name }).isDisabled(), name).toBe(true);
    }
    await input.fill(PASSWORD);
    await expect.poll(() => status(page)).toBe("Matches the schema");
    expect(await page.getByRole("alert").count()).toBe(0);
    expect(parse(await download(page))).toMatchObject({ imageRegistry: { password: PASSWORD } });
  });

  it("references a saved docker-registry by name instead", async () => {
    const saved = await runCli(
      ["save", "-", "--name", "team"],
      home,
      "type: docker-registry\nusername: robot\npassword: hunter2\nregistryUrl: registry.example.com:5000\n",
    );
    expect(saved.code).toBe(0);

    await page.getByRole("radio", { name: "Saved document" }).check();
    await page.locator('[id="root_imageRegistry_$ref"]').fill("docker-registry/Team!");
    await expect.poll(() => status(page)).toMatch(/problem/); // not a document name
    await page.locator('[id="root_imageRegistry_$ref"]').fill("docker-registry/team");
    await expect.poll(() => status(page)).toBe("Matches the schema");

    const document = JSON.parse(await download(page)) as Record<string, unknown>;
    expect(document.imageRegistry).toEqual({ $ref: "docker-registry/team" });
    expect(await validate(JSON.stringify(document), home)).toMatchObject({ code: 0 });

    await page.getByRole("radio", { name: "Not set" }).check();
    expect(JSON.parse(await download(page))).not.toHaveProperty("imageRegistry");
  });

  it("shows every type's fields in the hint order, and saves a screenshot of each form", async () => {
    for (const [slug, schema] of Object.entries(schemas)) {
      await openForm(page, url, slug);
      await expect.poll(() => page.getByRole("heading", { level: 2 }).textContent()).toBe(schema.title);
      const shown = await page.evaluate(() =>
        [...document.querySelectorAll("form [id^='root_']")]
          .map((element) => element.id.slice("root_".length))
          .filter((name) => !name.includes("_")),
      );
      const visible = Object.keys(schema.properties).filter(
        (name) => !("const" in (schema.properties[name] ?? {})),
      );
      // `type` renders as a hidden input, first; then every other field once, required ones leading.
      expect(shown).toEqual([
        "type",
        ...visible.filter((name) => schema.required.includes(name)),
        ...visible.filter((name) => !schema.required.includes(name)),
      ]);
      expect(await page.locator("#root_type").getAttribute("type")).toBe("hidden");
      for (const path of schema.secret_fields.filter((secret) => !secret.includes("."))) {
        if (schema.properties[path]?.type === "string") {
          expect(await page.locator(`#root_${path}`).getAttribute("type")).toBe("password");
        }
      }
      await page.screenshot({ path: join(SCREENSHOTS, `${slug}.png`), fullPage: true });
    }
  });

  it("stops cleanly on Ctrl-C", async () => {
    const exited = new Promise<number | null>((resolveExit) => server.once("exit", resolveExit));
    server.kill("SIGINT");
    expect(await withTimeout(exited, 10_000, "infrablocks ui to stop on SIGINT")).toBe(0);
  });
});

// --- Helpers ---

/** Starts `infrablocks ui --port 0` and reads the URL it prints on stdout. */
async function startUi(home: string): Promise<{ server: ChildProcess; url: string }> {
  const server = spawn(process.execPath, [BIN, "ui", "--port", "0"], {
    cwd: REPO,
    env: { ...process.env, INFRABLOCKS_HOME: home, INFRABLOCKS_DEBUG: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  server.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const printed = new Promise<string>((resolveUrl, rejectUrl) => {
    let stdout = "";
    server.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^(http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(stdout);
      if (match) resolveUrl(match[1] as string);
    });
    server.once("exit", (code) =>
      rejectUrl(
        new Error(
          `infrablocks ui exited with ${code} before printing its URL. Is the ui command wired into packages/cli/src/index.ts and built?\n${stderr}`,
        ),
      ),
    );
  });
  return { server, url: await withTimeout(printed, 20_000, "infrablocks ui to print its URL") };
}

/** A GET with the path sent as written: fetch() would fold its `..` segments before sending. */
function rawGet(base: string, path: string): Promise<{ status?: number; type?: string }> {
  const { hostname, port } = new URL(base);
  const response = new Promise<{ status?: number; type?: string }>((resolveGet, rejectGet) => {
    get({ host: hostname, port, path }, (message) => {
      message.resume();
      resolveGet({ status: message.statusCode, type: message.headers["content-type"] });
    }).on("error", rejectGet);
  });
  return withTimeout(response, 5_000, `GET ${path}`);
}

/** A fresh page showing one type's empty form, chosen by the address (`#<slug>`) as a link would. */
async function openForm(page: Page, url: string, slug: string): Promise<void> {
  await page.goto("about:blank"); // a change of the hash alone would not reload the page
  await page.goto(`${url}#${slug}`);
  await page.locator("#root_type").waitFor({ state: "attached" });
}

function status(page: Page): Promise<string> {
  return page
    .getByRole("status")
    .textContent()
    .then((text) => text ?? "");
}

/** Clicks Download and returns the file's text: the document the page exports, secrets included. */
async function download(page: Page): Promise<string> {
  const [file] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download" }).click(),
  ]);
  return readFile(await file.path(), "utf8");
}

function validate(document: string, home: string) {
  return runCli(["validate", "-"], home, document);
}

function runCli(
  args: string[],
  home: string,
  input: string,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: REPO,
    env: { ...process.env, INFRABLOCKS_HOME: home, INFRABLOCKS_DEBUG: "" },
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stdin.end(input);
  const done = new Promise<{ code: number | null; output: string }>((resolveRun) =>
    child.on("close", (code) => resolveRun({ code, output })),
  );
  return withTimeout(done, 20_000, `infrablocks ${args.join(" ")}`);
}

function withTimeout<T>(promise: Promise<T>, milliseconds: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, rejectTimeout) => {
    timer = setTimeout(
      () => rejectTimeout(new Error(`Timed out after ${milliseconds} ms waiting for ${what}`)),
      milliseconds,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
