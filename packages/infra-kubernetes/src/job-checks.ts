// Zod-free: the `kubernetes-job` checks the exported schema cannot state, as the type's `check`.
import { type BlockProblem, isInfrablocksError } from "@infrablocks/core/runtime";
import { customizationsProblems } from "./customizations.js";
import { baseManifestProblem, buildJobManifest, shortcutConflicts } from "./job-manifest.js";
import type { KubernetesJobBlock } from "./kubernetes-job-block.js";
import { kubernetesLabels } from "./labels.js";

/**
 * The manifest and the customizations first (a `job` without the base manifest, bad pointers, a
 * customizations text that is not a patch), then the fields that contradict the manifest and labels
 * with nothing valid in their keys; when all pass, the customizations are applied to the effective
 * manifest, so that `validate` means runnable: a patch that fails (`remove /spec/nothere`) is
 * reported by its index here rather than at preview or run.
 */
export function kubernetesJobProblems(config: KubernetesJobBlock): BlockProblem[] {
  const problems: BlockProblem[] = [];
  const jobProblem = baseManifestProblem(config.job);
  if (jobProblem) problems.push({ path: "job", message: jobProblem });
  const customizations = customizationsProblems(config.customizations);
  problems.push(...customizations.problems);
  if (jobProblem || customizations.final) return problems;
  for (const conflict of shortcutConflicts(config))
    problems.push({ path: conflict.field, message: conflict.message });
  for (const key of kubernetesLabels(config.labels).invalid) {
    problems.push({
      path: `labels.${key}`,
      message: "nothing of this key is a valid Kubernetes label name (letters, digits, '-', '_', '.')",
    });
  }
  return problems.length > 0 ? problems : patchProblems(config);
}

/** The problems of applying the customizations to the effective manifest, by operation. */
function patchProblems(config: KubernetesJobBlock): BlockProblem[] {
  try {
    buildJobManifest(config, {});
    return [];
  } catch (error) {
    if (!isInfrablocksError(error, "INVALID_DOCUMENT")) throw error;
    return error.issues.map((issue) => {
      const colon = issue.indexOf(": ");
      return { path: issue.slice(0, colon), message: issue.slice(colon + 2) };
    });
  }
}
