// CLI start-up cases: a short `infrablocks` command against `node -e 0` (or `node -e` doing the same work),
// the floor any Node CLI stands on.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { sideBySide } from "../measure.js";
import { CLI, ROOT } from "../packages.js";
import { row } from "./process.js";

const run = promisify(execFile);
const nodeFloor = () => run(process.execPath, ["-e", "0"]);
// More rounds than the usual 5 to 9: a command takes tens of milliseconds, and one busy moment of a shared
// machine moved a 9-round median by 0.1.
const ROUNDS = 21;

export async function cliCases() {
  const cliRun = await sideBySide({
    rounds: ROUNDS,
    ours: () => run(process.execPath, [CLI, "run", join(ROOT, "bench/fixtures/true.yaml")]),
    theirs: () =>
      run(process.execPath, ["-e", "require('node:child_process').spawn('true').on('close', () => {})"]),
  });
  const cliSchema = await sideBySide({
    rounds: ROUNDS,
    ours: () => run(process.execPath, [CLI, "schema"], { maxBuffer: 64 * 1024 * 1024 }),
    theirs: nodeFloor,
  });
  const validate = await sideBySide({
    rounds: ROUNDS,
    ours: () => run(process.execPath, [CLI, "validate", join(ROOT, "bench/fixtures/validate.yaml")]),
    theirs: nodeFloor,
  });
  // The floor under those rows, timed against the same `node -e 0`: a script that only requires core's
  // runtime entry and parses the document with it, as `validate` must before any check.
  const parseFloor = await sideBySide({
    rounds: ROUNDS,
    ours: () =>
      run(process.execPath, [
        join(ROOT, "bench/fixtures/parse-floor.cjs"),
        join(ROOT, "bench/fixtures/validate.yaml"),
      ]),
    theirs: nodeFloor,
  });
  const floors = `floor: a script requiring core's runtime and parsing the document ${parseFloor.ratio.toFixed(2)}×`;
  // Preview builds the container's create request without contacting the Docker Engine.
  const previewDocker = await sideBySide({
    rounds: ROUNDS,
    ours: () => run(process.execPath, [CLI, "preview", join(ROOT, "bench/fixtures/docker.yaml")]),
    theirs: nodeFloor,
  });
  // The same `validate`, run from a project whose node_modules holds 1,000 packages (as an npm project
  // of a web application does), against a run from an empty folder: the driver discovery must not read
  // them all on every command.
  const project = projectWithPackages(1_000);
  const empty = mkdtempSync(join(tmpdir(), "ib-bench-empty-"));
  const validateArguments = [CLI, "validate", join(ROOT, "bench/fixtures/validate.yaml")];
  let manyPackages;
  try {
    manyPackages = await sideBySide({
      rounds: ROUNDS,
      ours: () => run(process.execPath, validateArguments, { cwd: project }),
      theirs: () => run(process.execPath, validateArguments, { cwd: empty }),
    });
  } finally {
    rmSync(project, { recursive: true, force: true });
    rmSync(empty, { recursive: true, force: true });
  }
  return [
    row(
      "cli-run",
      cliRun,
      1.3,
      "`infrablocks run` of a process document running `true` vs `node -e` spawning `true`",
    ),
    row("cli-schema", cliSchema, 1.3, "`infrablocks schema` (every installed type) vs `node -e 0`"),
    row(
      "cli-validate",
      validate,
      1.3,
      `\`infrablocks validate\` of a small process document vs \`node -e 0\` (${floors})`,
    ),
    row(
      "cli-preview-docker",
      previewDocker,
      1.5,
      "`infrablocks preview` of a docker-container document vs `node -e 0`",
    ),
    row(
      "cli-many-packages",
      manyPackages,
      1.1,
      "`infrablocks validate` run from a project with 1,000 packages in node_modules vs from an empty folder",
    ),
  ];
}

/**
 * A project folder whose node_modules holds `count` packages (a fifth of them scoped) with package.json
 * files of a usual size, installed a minute ago as far as their file times tell.
 */
function projectWithPackages(count) {
  const project = mkdtempSync(join(tmpdir(), "ib-bench-project-"));
  const paths = [];
  for (let index = 0; index < count; index++) {
    const name = index % 5 === 0 ? `@scope-${index % 13}/package-${index}` : `package-${index}`;
    const folder = join(project, "node_modules", name);
    mkdirSync(folder, { recursive: true });
    const manifest = {
      name,
      version: "1.2.3",
      description: "A package of the benchmark's project. ".repeat(5),
      main: "index.js",
      keywords: Array.from({ length: 20 }, (_, keyword) => `keyword-${keyword}`),
      dependencies: Object.fromEntries(
        Array.from({ length: 15 }, (_, dependency) => [`dependency-${dependency}`, "^1.0.0"]),
      ),
      license: "MIT",
    };
    writeFileSync(join(folder, "package.json"), JSON.stringify(manifest, null, 2));
    paths.push(join(folder, "package.json"), folder, join(folder, ".."));
  }
  writeFileSync(join(project, "node_modules/.package-lock.json"), "{}\n");
  paths.push(join(project, "node_modules/.package-lock.json"), join(project, "node_modules"));
  const installedAt = new Date(Date.now() - 60_000);
  for (const path of paths) utimesSync(path, installedAt, installedAt);
  return project;
}
