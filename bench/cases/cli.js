// CLI start-up cases: a short `infrablocks` command against `node -e 0` (or `node -e` doing the same work),
// the floor any Node CLI stands on.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { sideBySide } from "../measure.js";
import { CLI, ROOT } from "../packages.js";
import { row } from "./process.js";

const run = promisify(execFile);
const nodeFloor = () => run(process.execPath, ["-e", "0"]);

export async function cliCases() {
  const cliRun = await sideBySide({
    rounds: 9,
    ours: () => run(process.execPath, [CLI, "run", join(ROOT, "bench/fixtures/true.yaml")]),
    theirs: () =>
      run(process.execPath, ["-e", "require('node:child_process').spawn('true').on('close', () => {})"]),
  });
  const cliSchema = await sideBySide({
    rounds: 9,
    ours: () => run(process.execPath, [CLI, "schema"], { maxBuffer: 64 * 1024 * 1024 }),
    theirs: nodeFloor,
  });
  const validate = await sideBySide({
    rounds: 9,
    ours: () => run(process.execPath, [CLI, "validate", join(ROOT, "bench/fixtures/validate.yaml")]),
    theirs: nodeFloor,
  });
  // The floor under those rows, timed against the same `node -e 0`: a script that only requires core's
  // runtime entry and parses the document with it, as `validate` must before any check.
  const parseFloor = await sideBySide({
    rounds: 9,
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
    rounds: 9,
    ours: () => run(process.execPath, [CLI, "preview", join(ROOT, "bench/fixtures/docker.yaml")]),
    theirs: nodeFloor,
  });
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
  ];
}
