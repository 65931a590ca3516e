// The CLI writes its output straight to file descriptor 1 (src/stdio.ts): nothing may be lost or
// crash when that descriptor is a pipe that fills, one a parent left non-blocking, or one whose reader left.
import { execFile, spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { BIN, cliWithFailingOutput, freshHome } from "./cli-support.js";

const DOCUMENTS = 5000;
let home: string;
let many: string;

/** What `validate` prints for the file of many documents: one line each, far more than a pipe holds. */
function expectEveryLine(stdout: string): void {
  const lines = stdout.split("\n");
  expect(lines.pop()).toBe("");
  expect(lines).toHaveLength(DOCUMENTS);
  lines.forEach((line, index) => {
    expect(line).toBe(`${many}#${index + 1} process/doc-${index}: a valid process document`);
  });
}

beforeAll(async () => {
  home = await freshHome();
  many = join(home, "many.yaml");
  const documents = Array.from(
    { length: DOCUMENTS },
    (_, index) => `type: process\n$name: doc-${index}\ncommand: ["true"]\n`,
  );
  await writeFile(many, documents.join("---\n"));
});

describe("the CLI's stdout", () => {
  it("writes all of a large output into a pipe read only later", async () => {
    const child = spawn(process.execPath, [BIN, "validate", many], {
      env: { ...process.env, INFRABLOCKS_HOME: home },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.pause();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => {
      stdout += text;
    });
    child.stdout.resume();
    const code = await new Promise((resolve) => child.on("close", resolve));
    expect(code).toBe(0);
    expectEveryLine(stdout);
  }, 60_000);

  it("writes all of it into a non-blocking pipe that fills, as a parent may leave stdout", async () => {
    // Perl (in every Debian base system) sets O_NONBLOCK on the pipe that becomes the CLI's stdout, and
    // reads only after a second: the CLI's writes meet a full pipe that refuses to wait (EAGAIN).
    const script = [
      "use Fcntl;",
      "pipe(my $r, my $w) or die;",
      "fcntl($w, F_SETFL, fcntl($w, F_GETFL, 0) | O_NONBLOCK) or die;",
      "my $pid = fork();",
      'if ($pid == 0) { close $r; open(STDOUT, ">&", $w) or die; exec @ARGV or die; }',
      "close $w; sleep 1; local $/; my $out = <$r>; waitpid($pid, 0);",
      'print STDERR "status=", $? >> 8, "\\n"; print $out;',
    ].join("\n");
    const { stdout, stderr } = await promisify(execFile)(
      "perl",
      ["-e", script, process.execPath, BIN, "validate", many],
      { env: { ...process.env, INFRABLOCKS_HOME: home }, maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
    );
    expect(stderr).toBe("status=0\n");
    expectEveryLine(stdout);
  }, 60_000);

  it("ends quietly with 141 when the reader is gone before the first write", async () => {
    const child = spawn(process.execPath, [BIN, "validate", many], {
      env: { ...process.env, INFRABLOCKS_HOME: home },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (text: string) => {
      stderr += text;
    });
    const code = await new Promise((resolve) => child.on("close", resolve));
    expect(code).toBe(141);
    expect(stderr).toBe("");
  }, 60_000);

  it("ends with 1 and says why when stdout fails (a full disk), losing no output in silence", async () => {
    const { code, stderr } = await cliWithFailingOutput(home, "stdout", "full", ["validate", many]);
    expect(code).toBe(1);
    expect(stderr).toBe("error: unable to write to stdout: ENOSPC: no space left on device, write\n");
  }, 60_000);

  it.each([
    ["its output", []],
    ["its events (--json)", ["--json"]],
  ])(
    "stops a run whose stdout fails, when writing %s, and ends with 1",
    async (_, flags) => {
      const pidFile = join(home, `pid-${flags.length}`);
      const doc = join(home, `print-then-wait-${flags.length}.yaml`);
      await writeFile(
        doc,
        `type: process\ncommand: [sh, -c, 'echo $$ > ${pidFile}; echo printed; exec sleep 60']\n`,
      );
      const { code, stderr } = await cliWithFailingOutput(home, "stdout", "full", ["run", ...flags, doc]);
      expect(code).toBe(1);
      expect(stderr).toContain(
        "Unable to write to stdout (ENOSPC: no space left on device, write); stopping",
      );
      expect(stderr).toMatch(/exited with status code -15/);
      expect(stderr).not.toMatch(/^\s+at /m);
      const pid = Number(await readFile(pidFile, "utf8"));
      expect(() => process.kill(pid, 0)).toThrow();
    },
    60_000,
  );
});
