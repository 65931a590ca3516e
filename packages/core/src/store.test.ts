import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InfrablocksError } from "./errors.js";
import { DocumentStore } from "./store.js";
import { defaultStoreHome } from "./store-home.js";
import { caught } from "./testing-fixtures.test-support.js";

const DIST = resolve(dirname(fileURLToPath(import.meta.url)), "../dist/index.cjs");

let root: string;
let home: string;
let store: DocumentStore;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "infrablocks-store-"));
  home = join(root, "home");
  store = new DocumentStore(home);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const doc = (n: number) => ({
  type: "test-registry",
  username: `user-${n}`,
  password: "p",
  registryUrl: "r.io",
});

function mode(path: string): Promise<number> {
  return stat(path).then((info) => info.mode & 0o777);
}

describe("DocumentStore", () => {
  it("saves, loads, lists and deletes", async () => {
    const path = await store.save("test-registry", "main", doc(1));
    expect(path).toBe(join(home, "documents", "test-registry", "main.json"));
    expect(await readFile(path, "utf8")).toBe(`${JSON.stringify(doc(1), null, 2)}\n`);
    expect(await store.load("test-registry", "main")).toEqual(doc(1));
    await store.save("test-container", "b", { type: "test-container" });
    await store.save("test-container", "a", { type: "test-container" });
    const listed = await store.list();
    expect(listed.map(({ slug, name }) => `${slug}/${name}`)).toEqual([
      "test-container/a",
      "test-container/b",
      "test-registry/main",
    ]);
    expect(listed[2]).toMatchObject({ path, modifiedAt: expect.any(Date) });
    expect((await store.list("test-registry")).map((info) => info.name)).toEqual(["main"]);
    expect(await store.list("nothing-here")).toEqual([]);
    await store.delete("test-registry", "main");
    expect(existsSync(path)).toBe(false);
    expect((await store.list()).map((info) => info.name)).toEqual(["a", "b"]);
  });

  it("lists nothing in a store that does not exist yet", async () => {
    expect(await store.list()).toEqual([]);
    expect(existsSync(home)).toBe(false);
  });

  it("lists only .json documents, never dotfiles or temporary files", async () => {
    await store.save("test-registry", "main", doc(1));
    const folder = join(home, "documents", "test-registry");
    await writeFile(join(folder, ".main.123.abcdef.tmp"), "{");
    await writeFile(join(folder, ".hidden.json"), "{}");
    await writeFile(join(folder, "notes.txt"), "x");
    expect((await store.list()).map((info) => info.name)).toEqual(["main"]);
  });

  it.each(["a", "0", "a-b", "a1-b2-c3", "x".repeat(63), `a${"-".repeat(61)}b`])(
    "accepts the name '%s'",
    async (name) => {
      await store.save("test-registry", name, doc(1));
      expect(await store.load("test-registry", name)).toEqual(doc(1));
    },
  );

  it.each(["", "x".repeat(64), "a_b", "-a", "a-", "A", "aB", "a.b", "a b", "a/b", "../a", "é", " a"])(
    "refuses the name '%s' on save, load and delete",
    async (name) => {
      for (const action of [
        () => store.save("test-registry", name, doc(1)),
        () => store.load("test-registry", name),
        () => store.delete("test-registry", name),
      ]) {
        const error = await caught(action);
        expect(error).toBeInstanceOf(InfrablocksError);
        expect((error as InfrablocksError).code).toBe("INVALID_NAME");
        expect((error as Error).message).toContain("1 to 63 lowercase letters, digits and dashes");
      }
      expect(existsSync(home)).toBe(false);
    },
  );

  it("refuses to overwrite without the flag and overwrites with it", async () => {
    await store.save("test-registry", "main", doc(1));
    const error = await caught(() => store.save("test-registry", "main", doc(2)));
    expect(error).toMatchObject({ code: "DOCUMENT_EXISTS" });
    expect((error as Error).message).toBe(
      "A test-registry document named 'main' is already saved; pass --overwrite to replace it.",
    );
    expect(await store.load("test-registry", "main")).toEqual(doc(1));
    await store.save("test-registry", "main", doc(2), { overwrite: true });
    expect(await store.load("test-registry", "main")).toEqual(doc(2));
    // Overwrite also creates a document that does not exist yet.
    await store.save("test-registry", "fresh", doc(3), { overwrite: true });
    expect(await store.load("test-registry", "fresh")).toEqual(doc(3));
    expect(await readdir(join(home, "documents", "test-registry"))).toEqual(["fresh.json", "main.json"]);
  });

  it("reports DOCUMENT_NOT_FOUND with a hint on load and delete", async () => {
    const message =
      "No saved test-registry document is named 'ghost'; 'infrablocks ls --type test-registry' lists the saved ones.";
    for (const action of [
      () => store.load("test-registry", "ghost"),
      () => store.delete("test-registry", "ghost"),
    ]) {
      const error = await caught(action);
      expect(error).toMatchObject({ code: "DOCUMENT_NOT_FOUND", message });
    }
    await store.save("test-registry", "once", doc(1));
    await store.delete("test-registry", "once");
    expect(await caught(() => store.delete("test-registry", "once"))).toMatchObject({
      code: "DOCUMENT_NOT_FOUND",
    });
  });

  it("reports a corrupt saved file as STORE_ERROR", async () => {
    await store.save("test-registry", "main", doc(1));
    await writeFile(join(home, "documents", "test-registry", "main.json"), "{ not json");
    expect(await caught(() => store.load("test-registry", "main"))).toMatchObject({ code: "STORE_ERROR" });
  });

  it("makes files readable by the owner alone (0600) and folders 0700", async () => {
    const path = await store.save("test-registry", "main", doc(1));
    expect(await mode(path)).toBe(0o600);
    expect(await mode(join(home, "documents", "test-registry"))).toBe(0o700);
    expect(await mode(join(home, "documents"))).toBe(0o700);
    expect(await mode(home)).toBe(0o700);
    await store.save("test-registry", "main", doc(2), { overwrite: true });
    expect(await mode(path)).toBe(0o600);
  });

  it("lands 50 concurrent saves of distinct names", async () => {
    const names = Array.from({ length: 50 }, (_, i) => `doc-${i}`);
    await Promise.all(names.map((name, i) => store.save("test-registry", name, doc(i))));
    const listed = await store.list("test-registry");
    expect(listed.map((info) => info.name).sort()).toEqual([...names].sort());
    for (const [i, name] of names.entries()) expect(await store.load("test-registry", name)).toEqual(doc(i));
    expect(
      (await readdir(join(home, "documents", "test-registry"))).filter((file) => file.endsWith(".tmp")),
    ).toEqual([]);
  });

  it("lets exactly one of 20 concurrent saves of one name win without overwrite", async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => store.save("test-registry", "contested", doc(i))),
    );
    const winners = results.flatMap((result, i) => (result.status === "fulfilled" ? [i] : []));
    expect(winners).toHaveLength(1);
    for (const result of results) {
      if (result.status === "rejected") expect(result.reason).toMatchObject({ code: "DOCUMENT_EXISTS" });
    }
    expect(await store.load("test-registry", "contested")).toEqual(doc(winners[0] as number));
    expect(await readdir(join(home, "documents", "test-registry"))).toEqual(["contested.json"]);
  });

  // Bug: the store checks names but never slugs, and joins the slug into the path as given:
  // save("../escaped", "x", {}) writes <home>/escaped/x.json, outside <home>/documents, and
  // list("../..") lists folders outside the store. A slug should match the block type slug rule
  // (lowercase letters, digits and dashes) or be refused.
  it("refuses a slug that would leave the documents folder", async () => {
    const error = await caught(() => store.save("../escaped", "x", doc(1)));
    expect(error).toBeInstanceOf(InfrablocksError);
    expect(existsSync(join(home, "escaped", "x.json"))).toBe(false);
  });

  it.runIf(existsSync(DIST))(
    "keeps a whole document through 20 SIGKILLs of a writer that overwrites it (needs packages/core/dist: pnpm build)",
    async () => {
      const payloadLength = 1_000_000;
      const script = join(root, "writer.mjs");
      await writeFile(
        script,
        `import { DocumentStore } from ${JSON.stringify(pathToFileURL(DIST).href)};
const [home, start] = process.argv.slice(2);
const store = new DocumentStore(home);
process.stdout.write("ready\\n");
for (let generation = Number(start); ; generation++) {
  const payload = String(generation % 10).repeat(${payloadLength});
  await store.save("test-registry", "crash", { generation, payload, check: generation }, { overwrite: true });
  process.stdout.write(\`saved \${generation}\\n\`);
}
`,
      );
      await store.save("test-registry", "crash", {
        generation: 0,
        payload: "0".repeat(payloadLength),
        check: 0,
      });
      let current = 0;
      for (let kill = 0; kill < 20; kill++) {
        const child = spawn(process.execPath, [script, home, String(current + 1)], {
          stdio: ["ignore", "pipe", "pipe"],
        });
        let output = "";
        let errors = "";
        child.stdout.on("data", (chunk: Buffer) => {
          output += chunk.toString();
        });
        child.stderr.on("data", (chunk: Buffer) => {
          errors += chunk.toString();
        });
        const closed = new Promise<NodeJS.Signals | null>((done) =>
          child.on("close", (_code, signal) => done(signal)),
        );
        // Wait until the child has loaded the store and is writing, then kill it at a random moment.
        await new Promise<void>((ready, failed) => {
          child.stdout.on("data", () => {
            if (output.includes("ready")) ready();
          });
          child.on("close", () => failed(new Error(`the writer exited before it was ready: ${errors}`)));
        });
        await new Promise((done) => setTimeout(done, Math.random() * 150));
        child.kill("SIGKILL");
        expect(await closed, errors).toBe("SIGKILL");
        const reported = [...output.matchAll(/saved (\d+)/g)].map((match) => Number(match[1]));
        const lastReported = reported.at(-1) ?? current;
        const loaded = (await store.load("test-registry", "crash")) as {
          generation: number;
          payload: string;
          check: number;
        };
        // Old (the last save reported) or new (one that landed before it could report), never torn.
        expect([lastReported, lastReported + 1]).toContain(loaded.generation);
        expect(loaded.check).toBe(loaded.generation);
        expect(loaded.payload).toBe(String(loaded.generation % 10).repeat(payloadLength));
        expect((await store.list()).map(({ slug, name }) => `${slug}/${name}`)).toEqual([
          "test-registry/crash",
        ]);
        current = loaded.generation;
      }
      expect(current).toBeGreaterThan(0);
    },
    120_000,
  );
});

describe("defaultStoreHome", () => {
  it("is $INFRABLOCKS_HOME, else ~/.infrablocks", () => {
    expect(defaultStoreHome({ INFRABLOCKS_HOME: "/srv/blocks" })).toBe("/srv/blocks");
    expect(defaultStoreHome({})).toBe(join(homedir(), ".infrablocks"));
    expect(defaultStoreHome({ INFRABLOCKS_HOME: "" })).toBe(join(homedir(), ".infrablocks"));
    // Relative, it is taken from the current folder once: a run's supervisor works elsewhere.
    expect(defaultStoreHome({ INFRABLOCKS_HOME: "blocks" })).toBe(join(process.cwd(), "blocks"));
  });
});

describe("DocumentStore clean-up", () => {
  it("removes the temporary files of writers that died mid-save, and only theirs", async () => {
    const home = await mkdtemp(join(tmpdir(), "ib-store-clean-"));
    const store = new DocumentStore(home);
    await store.save("process", "first", { type: "process" });
    const folder = join(home, "documents", "process");
    const deadWriter = ".first.999999.0123456789ab.tmp";
    const liveWriter = `.first.${process.pid}.0123456789ab.tmp`;
    await writeFile(join(folder, deadWriter), "{");
    await writeFile(join(folder, liveWriter), "{");
    await store.save("process", "second", { type: "process" });
    const files = await readdir(folder);
    expect(files).not.toContain(deadWriter);
    expect(files).toContain(liveWriter);
  });
});
