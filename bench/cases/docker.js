// Docker cases: a docker-container run against the docker CLI and against the raw Engine API calls.
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { request } from "node:http";
import { Writable } from "node:stream";
import { promisify } from "node:util";
import { round2, sideBySide } from "../measure.js";
import { importPackage, quietContext, ROOT } from "../packages.js";
import { row } from "./process.js";

const exec = promisify(execFile);
const SOCKET = (process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock").replace(/^unix:\/\//, "");

export async function dockerCases() {
  const { ensureBusyboxImage } = await import(`${ROOT}/dev/kube-test-server/dist/index.js`);
  const image = await ensureBusyboxImage();
  const core = await importPackage("core");
  const { dockerContainerBlockType } = await importPackage("infra-docker");
  const infrastructure = await core.loadInfrastructure(dockerContainerBlockType);
  const config = (command) =>
    dockerContainerBlockType.schema.parse({
      type: "docker-container",
      image,
      imagePullPolicy: "Never",
      command,
    });
  const ourRun = async (command, context = quietContext()) => {
    const result = await infrastructure.run(config(command), context);
    if (result.statusCode !== 0) throw new Error(`docker-container run exited ${result.statusCode}`);
  };
  const results = [];

  const cli = await sideBySide({
    rounds: 7,
    ours: () => ourRun(["true"]),
    theirs: () => exec("docker", ["run", "--rm", image, "true"]),
  });
  results.push(row("docker-run", cli, 1.0, "a docker-container run of `true` vs `docker run --rm`"));

  const raw = await sideBySide({
    rounds: 7,
    ours: () => ourRun(["true"]),
    theirs: () => rawEngineRun(image, ["true"]),
  });
  results.push(
    row(
      "docker-run-raw",
      raw,
      1.2,
      "the same run vs the raw Engine API calls (create, attach, start, wait, remove)",
    ),
  );

  results.push(await streamCase(image, ourRun));

  const concurrent = await sideBySide({
    rounds: 5,
    ours: () => Promise.all(Array.from({ length: 20 }, () => ourRun(["true"]))),
    theirs: () =>
      Promise.all(Array.from({ length: 20 }, () => exec("docker", ["run", "--rm", image, "true"]))),
  });
  results.push(
    row(
      "docker-concurrent",
      concurrent,
      1.0,
      "20 concurrent docker-container runs vs 20 concurrent `docker run --rm`",
    ),
  );
  return results;
}

// --- 256 MiB of container output ---

const STREAM_BYTES = 256 * 1024 * 1024;

async function streamCase(image, ourRun) {
  const command = ["head", "-c", String(STREAM_BYTES), "/dev/zero"];
  let growthMiB = 0;
  const measured = await sideBySide({
    rounds: 5,
    warmup: 0,
    ours: async () => {
      let bytes = 0;
      const counter = new Writable({
        write(chunk, _encoding, callback) {
          bytes += chunk.length;
          callback();
        },
      });
      global.gc?.();
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 20);
      await ourRun(command, quietContext({ stdout: counter }));
      clearInterval(sampler);
      growthMiB = Math.max(growthMiB, (peak - before) / 2 ** 20);
      if (bytes !== STREAM_BYTES) throw new Error(`docker-stream delivered ${bytes} bytes`);
    },
    theirs: async () => {
      const { stdout: id } = await exec("docker", ["run", "-d", image, ...command]);
      const logs = spawn("docker", ["logs", "-f", id.trim()], { stdio: ["ignore", "pipe", "ignore"] });
      let bytes = 0;
      logs.stdout.on("data", (chunk) => {
        bytes += chunk.length;
      });
      await once(logs, "close");
      await exec("docker", ["rm", "-f", id.trim()]);
      if (bytes !== STREAM_BYTES) throw new Error(`docker logs -f delivered ${bytes} bytes`);
    },
  });
  return {
    ...row("docker-stream", measured, 1.25, "256 MiB of container output through a run vs `docker logs -f`"),
    memoryGrowthMiB: round2(growthMiB),
    memoryTargetMiB: 64,
  };
}

// --- The raw Engine API, as a minimal client would call it ---

function engine(method, path, body) {
  return new Promise((resolve, reject) => {
    const call = request(
      { socketPath: SOCKET, method, path, headers: { "content-type": "application/json" } },
      (response) => {
        const chunks = [];
        response.on("data", (chunk) => chunks.push(chunk));
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString();
          if (response.statusCode >= 400)
            reject(new Error(`${method} ${path}: ${response.statusCode} ${text}`));
          else resolve(text ? JSON.parse(text) : undefined);
        });
      },
    );
    call.on("error", reject);
    call.end(body ? JSON.stringify(body) : undefined);
  });
}

function attach(id) {
  return new Promise((resolve, reject) => {
    const call = request({
      socketPath: SOCKET,
      method: "POST",
      path: `/containers/${id}/attach?stream=1&stdout=1&stderr=1`,
      headers: { Connection: "Upgrade", Upgrade: "tcp" },
    });
    // Wrapped, so that awaiting the attach does not also await the end of the stream.
    call.on("upgrade", (_response, socket) => {
      socket.resume();
      resolve({ ended: once(socket, "close") });
    });
    call.on("response", (response) => {
      response.resume();
      resolve({ ended: once(response, "end") });
    });
    call.on("error", reject);
    call.end();
  });
}

async function rawEngineRun(image, command) {
  const { Id: id } = await engine("POST", "/containers/create", { Image: image, Cmd: command, Tty: false });
  const attached = await attach(id);
  const waited = engine("POST", `/containers/${id}/wait?condition=next-exit`);
  await engine("POST", `/containers/${id}/start`);
  const { StatusCode } = await waited;
  await attached.ended;
  await engine("DELETE", `/containers/${id}`);
  if (StatusCode !== 0) throw new Error(`raw run exited ${StatusCode}`);
}
