// Zod-free: the `customizations` checks the exported schema cannot state (JSON pointers, and the text
// form's content), run by the `kubernetes-job` check. A text is parsed again where the manifest is built.
import { type BlockProblem, wrongTypeSentence } from "@infrablocks/core/runtime";
import { isRecord } from "./is-record.js";
import { operationProblem, type PatchOperation, parsePointer } from "./json-patch.js";
import { parseYamlText } from "./yaml-text.js";

/** `customizations` as a document holds it: the list, or that list as JSON or YAML text. */
export type Customizations = readonly PatchOperation[] | string;

/** The patch a `customizations` value holds (a text is parsed; call it on a checked config only). */
export function customizationList(customizations: Customizations): readonly PatchOperation[] {
  if (typeof customizations !== "string") return customizations;
  return parseYamlText(customizations, "the customizations text") as PatchOperation[];
}

/**
 * What is wrong with `customizations`, paths relative to the block. A list the schema accepted can only
 * hold bad pointers; a text is parsed and checked as a list, each problem worded as a list's is.
 * `final` is set when the text could not be read as a patch: the block's cross-field checks then wait.
 */
export function customizationsProblems(customizations: Customizations): {
  problems: BlockProblem[];
  final: boolean;
} {
  if (typeof customizations !== "string") {
    return { problems: customizations.flatMap(pointerProblems), final: false };
  }
  let parsed: unknown;
  try {
    parsed = parseYamlText(customizations, "the customizations text");
  } catch (error) {
    return { problems: [{ path: "customizations", message: (error as Error).message }], final: true };
  }
  const problems = listProblems(parsed);
  return { problems, final: problems.length > 0 };
}

/** The pointer problems of one operation whose shape is right, `from` before `path` as the schema lists them. */
export function pointerProblems(operation: PatchOperation, index: number): BlockProblem[] {
  const keys = operation.op === "move" || operation.op === "copy" ? ["from", "path"] : ["path"];
  return keys.flatMap((key) => {
    const message = pointerProblem((operation as Record<string, unknown>)[key]);
    return message ? [{ path: `customizations.${index}.${key}`, message }] : [];
  });
}

/** Why a JSON pointer text cannot be used, if it cannot. */
export function pointerProblem(pointer: unknown): string | undefined {
  if (typeof pointer !== "string") return undefined;
  try {
    parsePointer(pointer);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

// --- Internal helpers ---

/** The members of each operation's shape, in the schema's order. */
const SHAPES: Record<string, readonly string[]> = {
  add: ["op", "path", "value"],
  replace: ["op", "path", "value"],
  test: ["op", "path", "value"],
  remove: ["op", "path"],
  move: ["op", "from", "path"],
  copy: ["op", "from", "path"],
};

/**
 * A parsed text's problems as a list of operations, as a list given as such is told them: the shapes'
 * problems (the schema's), and only when every shape is right, the pointers' (the check's).
 */
function listProblems(value: unknown): BlockProblem[] {
  // The field takes text, so "expected array" would mislead: it is the text's content that is wrong.
  if (!Array.isArray(value)) return [{ path: "customizations", message: notAListMessage(value) }];
  const shapes = value.flatMap((operation, index) => shapeProblems(operation, `customizations.${index}`));
  return shapes.length > 0 ? shapes : (value as PatchOperation[]).flatMap(pointerProblems);
}

function shapeProblems(operation: unknown, path: string): BlockProblem[] {
  if (!isRecord(operation)) return [{ path, message: operationProblem(operation) as string }];
  const shape = typeof operation.op === "string" ? SHAPES[operation.op] : undefined;
  if (!shape) return [{ path: `${path}.op`, message: operationProblem(operation) as string }];
  const problems: BlockProblem[] = [];
  for (const key of shape.slice(1)) {
    const member = operation[key];
    if (key === "value" ? member === undefined : typeof member !== "string") {
      problems.push({
        path: `${path}.${key}`,
        message: wrongTypeSentence(key === "value" ? "nonoptional" : "string", member),
      });
    }
  }
  for (const key of Object.keys(operation)) {
    if (!shape.includes(key)) problems.push({ path: `${path}.${key}`, message: "unknown field" });
  }
  return problems;
}

/** What a customizations text that does not hold a list is told. */
export function notAListMessage(value: unknown): string {
  const held = value === null ? "null" : typeof value === "object" ? "an object" : `a ${typeof value}`;
  return `the customizations text holds ${held}, not a list of JSON Patch operations; write the list as JSON or YAML, e.g. '[{"op": "add", "path": "/spec/backoffLimit", "value": 2}]'`;
}
