// `pnpm bench`: every case side by side with its raw counterpart, a table, and bench/results/latest.json.
import { readFile, writeFile } from "node:fs/promises";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { cliCases } from "./cases/cli.js";
import { dockerCases } from "./cases/docker.js";
import { kubernetesCases } from "./cases/kubernetes.js";
import { processCases } from "./cases/process.js";
import { validateCase } from "./cases/validate.js";
import { ROOT } from "./packages.js";

const suites = [
  ["process", processCases],
  ["validate", async () => [await validateCase()]],
  ["cli", cliCases],
  ["docker", dockerCases],
  ["kubernetes", kubernetesCases],
];

// A case whose promise never settles would let Node exit quietly with status 0: make that a failure.
let finished = false;
process.on("exit", () => {
  if (!finished) {
    process.stderr.write("bench: ended before every case finished (a promise never settled)\n");
    process.exitCode = 1;
  }
});

const only = process.argv[2];
const rows = [];
for (const [name, suite] of suites) {
  if (only && only !== name) continue;
  process.stderr.write(`bench: ${name}...\n`);
  rows.push(...(await suite()));
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
process.stdout.write(`${table(rows)}\n\n${machine}\n`);
// One group refreshes its own rows and keeps the others' from the last full run.
const latestPath = join(ROOT, "bench/results/latest.json");
const kept = only ? JSON.parse(await readFile(latestPath, "utf8").catch(() => "[]")) : [];
const merged = [...kept.filter((old) => !rows.some((row) => row.name === old.name)), ...rows];
await writeFile(latestPath, `${JSON.stringify(merged, null, 2)}\n`);
finished = true;

function table(results) {
  const lines = ["| name | ratio | target | within | detail |", "|---|---|---|---|---|"];
  for (const result of results) {
    const within = result.ratio <= result.target ? "yes" : "NO";
    lines.push(`| ${result.name} | ${result.ratio} | ≤ ${result.target} | ${within} | ${result.detail} |`);
  }
  return lines.join("\n");
}
