import { StringDecoder } from "node:string_decoder";
import { InfrablocksError, type Logger, type ProgressOutput, Redactor } from "@infrablocks/core/runtime";
import {
  engineErrorMessage,
  engineRequest,
  type RegistryAuth,
  readBody,
} from "@infrablocks/docker-registry/runtime";
import type Docker from "dockerode";
import { statusOf } from "./engine-errors.js";
import type { ImageReference } from "./image-reference.js";
import { type PullEvent, PullProgress } from "./pull-progress.js";
import type { PullPolicy } from "./pull-policy.js";

// While it pulls, the engine reports progress every few seconds; minutes of silence mean it hangs.
const PULL_IDLE_TIMEOUT_MS = 5 * 60_000;
const SLUG = "docker-container";

/**
 * Makes the image present as the policy says. Credentials are asked for only when a pull happens, so
 * a run whose image is present needs no registry login.
 */
export async function ensureImage(
  docker: Docker,
  image: ImageReference,
  policy: PullPolicy,
  credentials: () => Promise<RegistryAuth | undefined>,
  log: Logger,
  progressOutput?: ProgressOutput,
): Promise<void> {
  if (policy !== "Always" && (await imagePresent(docker, image))) return;
  if (policy === "Never") {
    throw new InfrablocksError(
      "INFRASTRUCTURE_ERROR",
      `image: '${image.text}' is not present on the engine and imagePullPolicy is Never; pull it first, or set imagePullPolicy to IfNotPresent.`,
      { blockType: SLUG },
    );
  }
  await pullImage(docker, image, await credentials(), log, progressOutput);
}

/**
 * Pulls an image, drawing its progress on `progressOutput` when there is one, and logging a line of
 * totals at the end. The engine answers 200 and then reports failures as `{"error": …}` lines inside
 * the stream; those are errors here. The request bypasses docker-modem so the X-Registry-Auth header
 * cannot be logged.
 */
export async function pullImage(
  docker: Docker,
  image: ImageReference,
  auth: RegistryAuth | undefined,
  log: Logger,
  progressOutput?: ProgressOutput,
): Promise<void> {
  const redactor = auth?.redactor ?? new Redactor();
  const reference = image.digest ?? image.tag ?? "latest";
  const path = `/images/create?fromImage=${encodeURIComponent(image.repository)}&tag=${encodeURIComponent(reference)}`;
  log.info(`Pulling image '${image.text}'${auth ? ` with the credentials of '${auth.username}'` : ""}...`);
  const fail = (reason: string) => pullError(image, redactor.redact(reason), auth);

  const response = await engineRequest(docker, {
    method: "POST",
    path,
    headers: auth ? { "X-Registry-Auth": auth.header } : {},
    idleTimeoutMs: PULL_IDLE_TIMEOUT_MS,
  }).catch((error: Error) => {
    throw fail(error.message);
  });
  if (response.statusCode !== 200) throw fail(engineErrorMessage(await readBody(response)));

  const progress = new PullProgress(image.text, progressOutput);
  const handle = (line: string) => {
    if (line.trim() === "") return;
    let event: PullEvent;
    try {
      event = JSON.parse(line) as PullEvent;
    } catch {
      throw fail("the engine sent an unreadable progress line");
    }
    const error = event.errorDetail?.message ?? event.error;
    if (error) throw fail(error);
    progress.update(event);
  };
  const decoder = new StringDecoder("utf8");
  let pending = "";
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      pending += decoder.write(chunk);
      for (let newline = pending.indexOf("\n"); newline !== -1; newline = pending.indexOf("\n")) {
        handle(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
      }
    }
  } catch (error) {
    if (error instanceof InfrablocksError) throw error;
    throw fail(`the pull was interrupted (${(error as Error).message})`);
  }
  handle(pending + decoder.end());
  log.info(progress.finish());
}

// --- Internal helpers ---

async function imagePresent(docker: Docker, image: ImageReference): Promise<boolean> {
  try {
    await docker.getImage(image.text).inspect();
    return true;
  } catch (error) {
    if (statusOf(error) === 404) return false;
    throw error;
  }
}

function pullError(image: ImageReference, reason: string, auth: RegistryAuth | undefined): InfrablocksError {
  let hint = "";
  if (/unauthorized|authentication required|no basic auth credentials|denied|forbidden/i.test(reason)) {
    hint = auth
      ? ` Registry '${auth.registry}' refused the credentials of '${auth.username}' for this image: check the username and password, and that this user may pull it.`
      : " The registry wants credentials: give the block an imageRegistry, or run docker login on this machine.";
  } else if (/not found|manifest unknown|does not exist/i.test(reason)) {
    hint = " Check the image's name and tag.";
  }
  return new InfrablocksError(
    "INFRASTRUCTURE_ERROR",
    `image: pulling '${image.text}' failed: ${reason}.${hint}`,
    {
      blockType: SLUG,
    },
  );
}
