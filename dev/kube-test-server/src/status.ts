import type { ResourceType } from "./types.js";

/** The reasons this server puts in a failure Status (metav1.StatusReason values). */
export type StatusReason =
  | "NotFound"
  | "AlreadyExists"
  | "Invalid"
  | "BadRequest"
  | "Forbidden"
  | "Unauthorized"
  | "Gone"
  | "Expired"
  | "TooManyRequests"
  | "InternalError"
  | "ServiceUnavailable"
  | "MethodNotAllowed";

export interface StatusCause {
  reason: string;
  message: string;
  field: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** A request failure; the router turns it into a `Status` answer with `code` as the HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  toStatus(): Record<string, unknown> {
    return failureStatus(this.code, this.reason, this.message, this.details);
  }
}

export function failureStatus(
  code: number,
  reason: StatusReason,
  message: string,
  details?: StatusDetails,
): Record<string, unknown> {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

export function successStatus(details: StatusDetails, code = 200): Record<string, unknown> {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details, code };
}

/** `jobs.batch` / `pods`: how the apiserver names a resource in its messages. */
export function qualifiedName(type: ResourceType): string {
  return type.group ? `${type.plural}.${type.group}` : type.plural;
}

export function notFound(type: ResourceType, name: string): ApiError {
  return new ApiError(404, "NotFound", `${qualifiedName(type)} "${name}" not found`, {
    name,
    group: type.group,
    kind: type.plural,
  });
}

export function alreadyExists(type: ResourceType, name: string): ApiError {
  return new ApiError(409, "AlreadyExists", `${qualifiedName(type)} "${name}" already exists`, {
    name,
    group: type.group,
    kind: type.plural,
  });
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, "BadRequest", message);
}

export function invalid(type: ResourceType, name: string, causes: StatusCause[]): ApiError {
  const kindName = type.group ? `${type.kind}.${type.group}` : type.kind;
  const list = causes.map((c) => `${c.field}: ${c.message}`);
  const summary = list.length === 1 ? list[0] : `[${list.join(", ")}]`;
  return new ApiError(422, "Invalid", `${kindName} "${name}" is invalid: ${summary}`, {
    name,
    group: type.group,
    kind: type.kind,
    causes,
  });
}

/** The 410 a watch gets when its resourceVersion fell out of the history. */
export function expired(requested: string, current: number): ApiError {
  return new ApiError(410, "Expired", `too old resource version: ${requested} (${current})`);
}
