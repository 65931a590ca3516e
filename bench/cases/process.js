// Process cases: infrablocks against the raw Node and shell primitives doing the same work (the CLI's
// start-up cases are in cli.js).
import { spawn } from "node:child_process";
import { once } from "node:events";
import { openSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { median, round2, sideBySide } from "../measure.js";
import { CLI, importPackage, quietContext, ROOT } from "../packages.js";

const devNullFd = openSync("/dev/null", "w");
const spawnAndWait = (command, args, output) =>
  once(spawn(command, args, { stdio: ["ignore", output, output] }), "close");

export async function processCases() {
  const core = await importPackage("core");
  const { processBlockType } = await importPackage("infra-process");
  const infrastructure = await core.loadInfrastructure(processBlockType);
  const config = (command) => processBlockType.schema.parse({ type: "process", command });
  const results = [];

  const trueConfig = config(["true"]);
  const sequential = await sideBySide({
    rounds: 5,
    ours: async () => {
      for (let index = 0; index < 200; index++) await infrastructure.run(trueConfig, quietContext());
    },
    theirs: async () => {
      for (let index = 0; index < 200; index++) await spawnAndWait("true", [], devNullFd);
    },
  });
  results.push(
    row(
      "process-run",
      sequential,
      1.15,
      "200 sequential runs of `true` vs 200 raw child_process.spawn + wait",
    ),
  );

  results.push(await streamCase());
  results.push(await cliStreamCase());
  results.push(await concurrentCase(infrastructure, config));
  return results;
}

// --- 1 GiB through a run, to a pipe ---

const GIB = 1024 * 1024 * 1024;

/** Reads a child's stdout to the end, counting bytes, as the reader of a pipe would. */
async function drain(command, args) {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  let bytes = 0;
  let report = "";
  child.stdout.on("data", (chunk) => {
    bytes += chunk.length;
  });
  child.stderr.on("data", (chunk) => {
    report += chunk;
  });
  const [code] = await once(child, "close");
  if (code !== 0) throw new Error(`${command} ${args.join(" ")} exited ${code}: ${report}`);
  return { bytes, report };
}

async function streamCase() {
  let peakRssMiB = 0;
  const generator = ["head", "-c", String(GIB), "/dev/zero"];
  const measured = await sideBySide({
    rounds: 5,
    warmup: 0,
    ours: async () => {
      const { bytes, report } = await drain(process.execPath, [
        join(ROOT, "bench/fixtures/stream-run.js"),
        ...generator,
      ]);
      if (bytes !== GIB) throw new Error(`process-stream delivered ${bytes} bytes, not ${GIB}`);
      peakRssMiB = Math.max(peakRssMiB, JSON.parse(report).maxRssMiB);
    },
    theirs: async () => {
      const { bytes } = await drain("sh", ["-c", `${generator.join(" ")} | cat`]);
      if (bytes !== GIB) throw new Error(`cat delivered ${bytes} bytes`);
    },
  });
  return {
    ...row(
      "process-stream",
      measured,
      1.25,
      "1 GiB of output through a process run with streamOutput, to a pipe, vs the same bytes through `cat`",
    ),
    peakRssMiB: round2(peakRssMiB),
    rssTargetMiB: 100,
  };
}

// --- 1 GiB through `infrablocks run`, to a pipe ---

/** Bytes in the files under `folder`, recursively; 0 where it is gone. */
async function diskUse(folder) {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true }).catch(() => []);
  let bytes = 0;
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const info = await stat(join(entry.parentPath ?? entry.path, entry.name)).catch(() => undefined);
    bytes += info ? info.blocks * 512 : 0;
  }
  return bytes;
}

/** The peak RSS (VmHWM) of a live process, in MiB; 0 once it is gone. */
async function peakRss(pid) {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  return Number(/^VmHWM:\s*(\d+)/m.exec(status)?.[1] ?? 0) / 1024;
}

/** The supervisor pid of the one run recorded under an infrablocks home, once recorded. */
async function recordedSupervisor(home) {
  const entries = await readdir(home, { withFileTypes: true, recursive: true }).catch(() => []);
  const record = entries.find((entry) => entry.isFile() && entry.name === "run.json");
  if (!record) return undefined;
  const text = await readFile(join(record.parentPath ?? record.path, record.name), "utf8").catch(() => "{}");
  return JSON.parse(text).supervisorPid;
}

async function cliStreamCase() {
  const home = await mkdtemp(join(tmpdir(), "ib-bench-home-"));
  const doc = join(home, "stream.json");
  const generator = ["head", "-c", String(GIB), "/dev/zero"];
  await writeFile(doc, JSON.stringify({ type: "process", command: generator }));
  let peakRssMiB = 0;
  let supervisorPeakRssMiB = 0;
  let peakDiskMiB = 0;
  const measured = await sideBySide({
    rounds: 5,
    warmup: 0,
    ours: async () => {
      const child = spawn(process.execPath, [CLI, "run", doc], {
        stdio: ["ignore", "pipe", "ignore"],
        env: { ...process.env, INFRABLOCKS_HOME: home },
      });
      let bytes = 0;
      child.stdout.on("data", (chunk) => {
        bytes += chunk.length;
      });
      // Sampled while the run is in flight: the peak RSS of the runner and of the run's supervisor (its
      // pid is in the run's record), and the disk used under the home.
      const sampler = setInterval(async () => {
        peakRssMiB = Math.max(peakRssMiB, await peakRss(child.pid));
        const supervisorPid = await recordedSupervisor(home);
        if (supervisorPid)
          supervisorPeakRssMiB = Math.max(supervisorPeakRssMiB, await peakRss(supervisorPid));
        peakDiskMiB = Math.max(peakDiskMiB, (await diskUse(home)) / 2 ** 20);
      }, 100);
      const [code] = await once(child, "close");
      clearInterval(sampler);
      if (code !== 0 || bytes !== GIB)
        throw new Error(`cli-stream: exit ${code}, ${bytes} bytes, not ${GIB}`);
    },
    theirs: async () => {
      const { bytes } = await drain("sh", ["-c", `${generator.join(" ")} | cat`]);
      if (bytes !== GIB) throw new Error(`cat delivered ${bytes} bytes`);
    },
  });
  await rm(home, { recursive: true, force: true });
  return {
    ...row(
      "cli-stream",
      measured,
      1.25,
      "1 GiB via `infrablocks run` of a process document, to a pipe, vs `cat`",
    ),
    peakRssMiB: round2(peakRssMiB),
    rssTargetMiB: 100,
    supervisorPeakRssMiB: round2(supervisorPeakRssMiB),
    peakDiskMiB: round2(peakDiskMiB),
  };
}

// --- 200 at once ---

async function concurrentCase(infrastructure, config) {
  const count = 200;
  const echoConfigs = Array.from({ length: count }, (_, index) => config(["echo", `run-${index}`]));
  const measured = await sideBySide({
    rounds: 5,
    ours: async () => {
      const outputs = await Promise.all(
        echoConfigs.map(async (echoConfig, index) => {
          const chunks = [];
          const stdout = new Writable({
            write(chunk, _encoding, callback) {
              chunks.push(chunk);
              callback();
            },
          });
          const result = await infrastructure.run(echoConfig, quietContext({ stdout }));
          return result.statusCode === 0 && Buffer.concat(chunks).toString() === `run-${index}\n`;
        }),
      );
      const intact = outputs.filter(Boolean).length;
      if (intact !== count) throw new Error(`only ${intact} of ${count} concurrent runs were intact`);
      return intact;
    },
    theirs: async () => {
      await Promise.all(
        Array.from({ length: count }, async (_, index) => {
          const child = spawn("echo", [`run-${index}`], { stdio: ["ignore", "pipe", "ignore"] });
          child.stdout.resume();
          await once(child, "close");
        }),
      );
    },
  });
  return {
    ...row(
      "process-concurrent",
      measured,
      1.2,
      "200 concurrent process runs of `echo` vs 200 concurrent raw spawns",
    ),
    intactRuns: median(measured.details),
  };
}

export function row(name, measured, target, detail) {
  return {
    name,
    ratio: round2(measured.ratio),
    target,
    detail: `${detail}; medians ${round2(measured.oursMs)} ms vs ${round2(measured.theirsMs)} ms`,
  };
}
