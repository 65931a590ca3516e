import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { scanPackages } from "./driver-scan.js";

let root: string;
let near: string;
let far: string;
let cacheFolder: string;

beforeEach(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), "ib-scan-")));
  near = join(root, "project/node_modules");
  far = join(root, "node_modules");
  cacheFolder = join(root, "home/cache");
  mkdirSync(near, { recursive: true });
  mkdirSync(far, { recursive: true });
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

const packageJson = (name: string, declares: boolean, version = 1) =>
  JSON.stringify({
    name,
    version: `${version}.0.0`,
    ...(declares ? { infrablocks: { blockTypes: [`type-${version}`], entry: "./index.js" } } : {}),
  });

function install(nodeModules: string, name: string, declares: boolean, linkTo?: string) {
  const folder = join(nodeModules, name);
  mkdirSync(join(folder, ".."), { recursive: true });
  if (linkTo) {
    mkdirSync(linkTo, { recursive: true });
    writeFileSync(join(linkTo, "package.json"), packageJson(name, declares));
    symlinkSync(linkTo, folder);
  } else {
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, "package.json"), packageJson(name, declares));
  }
}

/** Every path under `folder` (symbolic links not followed), set to one time in the past. */
function settle(folder: string, seconds = 60) {
  const past = new Date(Date.now() - seconds * 1000);
  for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (!entry.isSymbolicLink()) utimesSync(join(entry.parentPath, entry.name), past, past);
  }
  utimesSync(folder, past, past);
}

const cachedScan = () => scanPackages([near, far], { cacheFolder });
const freshScan = (folders = { near, far }) => scanPackages([folders.near, folders.far]);

describe("scanPackages", () => {
  it("finds the nearest copy of each package that declares infrablocks, in order, skipping dot folders", () => {
    install(near, "b-plain", false);
    // Nearer and not a driver: the farther driver of that name is not the one Node would load.
    install(near, "shadowed", false);
    install(far, "shadowed", true);
    install(near, "@acme/a-driver", true);
    install(near, ".pnpm/hidden", true);
    install(far, "a-driver", true, join(root, "workspace/a-driver"));
    mkdirSync(join(far, "stray-folder"));
    expect(freshScan()).toEqual([
      {
        folder: join(near, "@acme/a-driver"),
        name: "@acme/a-driver",
        infrablocks: { blockTypes: ["type-1"], entry: "./index.js" },
      },
      {
        folder: join(far, "a-driver"),
        name: "a-driver",
        infrablocks: { blockTypes: ["type-1"], entry: "./index.js" },
      },
    ]);
  });

  it("remembers a settled scan and reuses it while nothing it stamped changed", () => {
    for (let index = 0; index < 50; index++) install(near, `package-${index}`, index % 10 === 0);
    settle(root);
    const first = cachedScan();
    expect(readdirSync(cacheFolder)).toHaveLength(1);
    // A package.json edited in place, by hand, with no install, in a package that is neither a link nor
    // a driver: the one change the stamps do not see. That the scan still shows the old one proves it was reused.
    writeFileSync(join(near, "package-1/package.json"), packageJson("package-1", true));
    expect(cachedScan()).toEqual(first);
    expect(freshScan()).not.toEqual(first);
  });

  it("does not remember a scan of folders changed in the last two seconds", () => {
    install(near, "driver", true);
    cachedScan();
    expect(existsSync(cacheFolder)).toBe(false);
    settle(root);
    cachedScan();
    expect(readdirSync(cacheFolder)).toHaveLength(1);
  });

  it("scans again past a broken cache file, and works where the cache cannot be written", () => {
    install(near, "driver", true);
    settle(root);
    const expected = freshScan();
    cachedScan();
    const [file] = readdirSync(cacheFolder);
    writeFileSync(join(cacheFolder, file as string), "{ not json");
    expect(cachedScan()).toEqual(expected);
    writeFileSync(join(root, "a-file"), "");
    expect(scanPackages([near, far], { cacheFolder: join(root, "a-file/cache") })).toEqual(expected);
  });

  it("keeps at most 100 scans, removing the oldest written", () => {
    install(near, "driver", true);
    settle(root);
    mkdirSync(cacheFolder, { recursive: true });
    for (let index = 0; index < 120; index++) {
      const file = join(cacheFolder, `drivers-old-${String(index).padStart(3, "0")}.json`);
      writeFileSync(file, "{}");
      const writtenAt = new Date(Date.now() - (200 - index) * 1000);
      utimesSync(file, writtenAt, writtenAt);
    }
    writeFileSync(join(cacheFolder, "not-a-scan.txt"), "");
    cachedScan();
    const left = readdirSync(cacheFolder).sort();
    expect(left.filter((name) => name.startsWith("drivers-"))).toHaveLength(100);
    // The 21 oldest went: 120 old ones and the new one, less 100.
    expect(left).not.toContain("drivers-old-020.json");
    expect(left).toContain("drivers-old-021.json");
    expect(left).toContain("not-a-scan.txt");
    expect(cachedScan()).toEqual(freshScan());
  });

  // Each kind of stamp, alone: a change only it sees, made after a scan was remembered.
  const changes: [string, () => void][] = [
    ...[".package-lock.json", ".modules.yaml", ".yarn-integrity", ".yarn-state.yml"].map(
      (record): [string, () => void] => [
        `an upgrade in place that rewrites ${record}`,
        () => {
          writeFileSync(join(near, "plain/package.json"), packageJson("plain", true, 2));
          writeFileSync(join(near, record), "installed again\n");
        },
      ],
    ),
    [
      "an edit of a linked package",
      () => writeFileSync(join(root, "workspace/linked/package.json"), packageJson("linked", true)),
    ],
    [
      "an edit of a driver's package.json",
      () => writeFileSync(join(near, "driver/package.json"), packageJson("driver", false)),
    ],
    ["a package added to a scope", () => install(near, "@acme/added", true)],
    ["a package added", () => install(far, "added", true)],
    ["a node_modules removed", () => rmSync(far, { recursive: true })],
    ["a node_modules created", () => install(join(root, "project/sub/node_modules"), "added", true)],
  ];
  it.each(changes)("sees %s", (_, change) => {
    install(near, "plain", false);
    install(near, "driver", true);
    install(near, "@acme/scoped", false);
    install(far, "linked", false, join(root, "workspace/linked"));
    install(far, "far-driver", true);
    for (const record of [".package-lock.json", ".modules.yaml", ".yarn-integrity", ".yarn-state.yml"])
      writeFileSync(join(near, record), "installed\n");
    const folders = [join(root, "project/sub/node_modules"), near, far];
    waitForTheClock();
    const before = scanPackages(folders, { cacheFolder, settledMs: 0 });
    expect(readdirSync(cacheFolder)).toHaveLength(1);
    change();
    waitForTheClock();
    const after = scanPackages(folders);
    expect(after).not.toEqual(before);
    expect(scanPackages(folders, { cacheFolder, settledMs: 0 })).toEqual(after);
  });

  // Model-based: random installs, removals, upgrades in place and edits, with the cache on; after each,
  // the remembered scan must equal a fresh one. Stamps need the file times to move, so each step waits
  // out the clock's step (settledMs 0 lets a scan be remembered at once).
  it("always equals a fresh scan, whatever is installed, removed, upgraded in place or edited", () => {
    const names = ["alpha", "@acme/beta", "gamma"];
    const step = fc.oneof(
      fc.record({
        kind: fc.constant("install" as const),
        name: fc.constantFrom(...names),
        far: fc.boolean(),
        declares: fc.boolean(),
        linked: fc.boolean(),
      }),
      fc.record({
        kind: fc.constant("uninstall" as const),
        name: fc.constantFrom(...names),
        far: fc.boolean(),
      }),
      fc.record({
        kind: fc.constant("upgrade-in-place" as const),
        name: fc.constantFrom(...names),
        far: fc.boolean(),
        declares: fc.boolean(),
        record: fc.constantFrom(".package-lock.json", ".modules.yaml", ".yarn-integrity", ".yarn-state.yml"),
      }),
      fc.record({
        kind: fc.constant("edit-link-target" as const),
        name: fc.constantFrom(...names),
        declares: fc.boolean(),
      }),
      // By hand, with no install: seen only in a package that declares `infrablocks` (see the first test).
      fc.record({
        kind: fc.constant("edit-driver" as const),
        name: fc.constantFrom(...names),
        far: fc.boolean(),
        declares: fc.boolean(),
      }),
      fc.record({ kind: fc.constant("remove-node-modules" as const), far: fc.boolean() }),
      fc.record({ kind: fc.constant("nothing" as const) }),
    );
    let run = 0;
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 10 }), (steps) => {
        const base = join(root, `run-${run++}`);
        const folders = { near: join(base, "project/node_modules"), far: join(base, "node_modules") };
        const cache = join(base, "cache");
        const links = join(base, "workspace");
        let version = 1;
        for (const action of steps) {
          const nodeModules = "far" in action && action.far ? folders.far : folders.near;
          const folder = "name" in action ? join(nodeModules, action.name) : nodeModules;
          switch (action.kind) {
            case "install":
              rmSync(folder, { recursive: true, force: true });
              install(
                nodeModules,
                action.name,
                action.declares,
                action.linked ? join(links, action.name) : undefined,
              );
              break;
            case "uninstall":
              rmSync(folder, { recursive: true, force: true });
              break;
            case "upgrade-in-place":
              if (existsSync(join(folder, "package.json"))) {
                writeFileSync(
                  join(folder, "package.json"),
                  packageJson(action.name, action.declares, ++version),
                );
                writeFileSync(join(nodeModules, action.record), `installed ${version}\n`);
              }
              break;
            case "edit-link-target":
              if (existsSync(join(links, action.name)))
                writeFileSync(
                  join(links, action.name, "package.json"),
                  packageJson(action.name, action.declares, ++version),
                );
              break;
            case "edit-driver":
              if (
                existsSync(join(folder, "package.json")) &&
                freshScan(folders).some((found) => found.folder === folder && "infrablocks" in found)
              )
                writeFileSync(
                  join(folder, "package.json"),
                  packageJson(action.name, action.declares, ++version),
                );
              break;
            case "remove-node-modules":
              rmSync(nodeModules, { recursive: true, force: true });
              break;
            case "nothing":
              break;
          }
          waitForTheClock();
          const options = { cacheFolder: cache, settledMs: 0 };
          const fresh = freshScan(folders);
          expect(scanPackages([folders.near, folders.far], options)).toEqual(fresh);
          // Now remembered (every stamp is older than the scan): the reuse must give the same.
          expect(scanPackages([folders.near, folders.far], options)).toEqual(fresh);
        }
      }),
      { numRuns: 60 },
    );
  });
});

/** Blocks until the file clock has moved on, so that the next change gets a later time than the last. */
function waitForTheClock() {
  const until = Date.now() + 12;
  while (Date.now() < until) {
    // Busy: a synchronous property cannot sleep.
  }
}
