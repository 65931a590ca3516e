// CLI start-up cases: a short `infrablocks` command against `node -e 0`, the floor any Node CLI stands on.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { sideBySide } from "../measure.js";
import { CLI, ROOT } from "../packages.js";
import { row } from "./process.js";

const run = promisify(execFile);
const nodeFloor = () => run(process.execPath, ["-e", "0"]);

export async function cliCases() {
  const validate = await sideBySide({
    rounds: 9,
    ours: () => run(process.execPath, [CLI, "validate", join(ROOT, "bench/fixtures/validate.yaml")]),
    theirs: nodeFloor,
  });
  // Preview builds the container's create request without contacting the Docker Engine.
  const previewDocker = await sideBySide({
    rounds: 9,
    ours: () => run(process.execPath, [CLI, "preview", join(ROOT, "bench/fixtures/docker.yaml")]),
    theirs: nodeFloor,
  });
  return [
    row("cli-validate", validate, 1.3, "`infrablocks validate` of a small process document vs `node -e 0`"),
    row(
      "cli-preview-docker",
      previewDocker,
      1.5,
      "`infrablocks preview` of a docker-container document vs `node -e 0`",
    ),
  ];
}
