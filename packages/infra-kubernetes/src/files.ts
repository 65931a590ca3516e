import { readFile } from "node:fs/promises";
import { InfrablocksError } from "@infrablocks/core/runtime";
import { baseManifestProblem, type JobManifest } from "./job-manifest.js";
import type { PatchOperation } from "./json-patch.js";
import { isRecord } from "./is-record.js";
import { parseYamlText } from "./yaml-text.js";

/** A Job manifest for the `job` field, read from a YAML or JSON file and checked against the base manifest. */
export async function jobFromFile(path: string): Promise<JobManifest> {
  const job = await readStructured(path);
  if (!isRecord(job)) throw invalid(path, "a Job manifest is a mapping");
  const problem = baseManifestProblem(job);
  if (problem) throw invalid(path, problem);
  return job;
}

/**
 * A JSON Patch for the `customizations` field, read from a YAML or JSON file. Each operation is
 * checked when the block is validated.
 */
export async function customizationsFromFile(path: string): Promise<PatchOperation[]> {
  const patch = await readStructured(path);
  if (!Array.isArray(patch)) throw invalid(path, "customizations are a list of JSON Patch operations");
  return patch as PatchOperation[];
}

async function readStructured(path: string): Promise<unknown> {
  const text = await readFile(path, "utf8");
  try {
    return parseYamlText(text, path);
  } catch (error) {
    throw invalid(path, (error as Error).message);
  }
}

function invalid(path: string, problem: string): InfrablocksError {
  return new InfrablocksError("INVALID_DOCUMENT", `${path}: ${problem}`, { blockType: "kubernetes-job" });
}
