import type { StatusCause } from "./status.js";

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MESSAGE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const QUALIFIED_MESSAGE =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_MESSAGE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

export function invalidValue(field: string, value: unknown, detail: string): StatusCause {
  return {
    reason: "FieldValueInvalid",
    message: `Invalid value: ${JSON.stringify(value)}: ${detail}`,
    field,
  };
}

export function requiredValue(field: string, detail?: string): StatusCause {
  return { reason: "FieldValueRequired", message: `Required value${detail ? `: ${detail}` : ""}`, field };
}

/**
 * A name that is also copied into a label value (a Job's name becomes its pods' `job-name` label), so
 * it must be a DNS-1123 subdomain of at most 63 characters.
 */
export function validateObjectName(field: string, name: string, maxLength = 63): StatusCause[] {
  if (!DNS1123_SUBDOMAIN.test(name)) return [invalidValue(field, name, SUBDOMAIN_MESSAGE)];
  if (name.length > maxLength) {
    return [invalidValue(field, name, `must be no more than ${maxLength} characters`)];
  }
  return [];
}

/** `generateName` is checked as the apiserver does: a trailing dash is allowed because a suffix follows. */
export function validateGenerateName(field: string, prefix: string): StatusCause[] {
  const masked = prefix.length > 1 && prefix.endsWith("-") ? `${prefix.slice(0, -1)}a` : prefix;
  return DNS1123_SUBDOMAIN.test(masked) ? [] : [invalidValue(field, prefix, SUBDOMAIN_MESSAGE)];
}

export function validateDns1123Label(field: string, value: string): StatusCause[] {
  if (!DNS1123_LABEL.test(value)) return [invalidValue(field, value, LABEL_MESSAGE)];
  if (value.length > 63) return [invalidValue(field, value, "must be no more than 63 characters")];
  return [];
}

function validateLabelKey(field: string, key: string): StatusCause[] {
  const slash = key.indexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const causes: StatusCause[] = [];
  if (prefix !== undefined && (!DNS1123_SUBDOMAIN.test(prefix) || prefix.length > 253)) {
    causes.push(invalidValue(field, key, `prefix part ${SUBDOMAIN_MESSAGE}`));
  }
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    const detail = name.length > 63 ? "name part must be no more than 63 characters" : QUALIFIED_MESSAGE;
    causes.push(invalidValue(field, key, detail));
  }
  return causes;
}

export function validateLabels(field: string, labels: unknown): StatusCause[] {
  if (labels === undefined || labels === null) return [];
  if (typeof labels !== "object" || Array.isArray(labels)) {
    return [invalidValue(field, labels, "must be a map of strings")];
  }
  const causes: StatusCause[] = [];
  for (const [key, value] of Object.entries(labels)) {
    causes.push(...validateLabelKey(field, key));
    if (typeof value !== "string") {
      causes.push(invalidValue(field, value, "label values must be strings"));
    } else if (value.length > 63) {
      causes.push(invalidValue(field, value, "must be no more than 63 characters"));
    } else if (!LABEL_VALUE.test(value)) {
      causes.push(invalidValue(field, value, VALUE_MESSAGE));
    }
  }
  return causes;
}
