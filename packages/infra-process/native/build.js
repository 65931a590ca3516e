// Builds the native supervisor (supervisor.c) into dist/supervisor with the machine's C compiler ($CC,
// else `cc`). Without one, the Node supervisor (dist/supervisor.cjs) runs the runs instead.
//
// `node native/build.js` (the package's `pnpm build`): warnings are errors, and a compiler that fails
// fails the build (a bug to fix); no compiler at all is said once, and is not an error.
// `node native/build.js --install` (the package's install script, for a published package, which
// ships the source and not a binary built elsewhere): builds only when the binary is missing, and
// says nothing on any failure: the Node supervisor is the fallback.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const output = join(here, "..", "dist", "supervisor");
const install = process.argv.includes("--install");

if (!(install && existsSync(output))) {
  const compiler = process.env.CC || "cc";
  const temporary = `${output}.${process.pid}.tmp`;
  const flags = ["-Wall", "-Wextra", ...(install ? [] : ["-Werror"]), "-O2", "-pthread"];
  mkdirSync(dirname(output), { recursive: true });
  try {
    execFileSync(compiler, [...flags, "-o", temporary, join(here, "supervisor.c")], {
      stdio: install ? "ignore" : ["ignore", "inherit", "inherit"],
    });
    // Renamed into place: a run starting meanwhile sees the old binary or the new one, whole.
    renameSync(temporary, output);
  } catch (error) {
    rmSync(temporary, { force: true });
    if (!install) {
      if (error.code !== "ENOENT") throw error;
      process.stderr.write(`infra-process: no C compiler (${compiler}); runs use the Node supervisor.\n`);
    }
  }
}
