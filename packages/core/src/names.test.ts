import { describe, expect, it } from "vitest";
import { InfrablocksError } from "./errors.js";
import {
  assertDocumentName,
  DOCUMENT_NAME_PATTERN,
  documentNameFrom,
  isDocumentName,
  parseDocumentReference,
  SLUG_PATTERN,
} from "./names.js";

describe("assertDocumentName", () => {
  it.each(["a", "9", "ab", "a-b", "a--b", "nightly-etl", "0-0", "a".repeat(63), `a${"-".repeat(61)}z`])(
    "accepts '%s'",
    (name) => {
      expect(() => assertDocumentName(name)).not.toThrow();
    },
  );

  it.each(["", "a".repeat(64), "a_b", "-a", "a-", "-", "A", "nightlyETL", "a.b", "a b", "a/b", "é", "a\n"])(
    "rejects '%s' with INVALID_NAME",
    (name) => {
      let error: unknown;
      try {
        assertDocumentName(name);
      } catch (thrown) {
        error = thrown;
      }
      expect(error).toBeInstanceOf(InfrablocksError);
      expect((error as InfrablocksError).code).toBe("INVALID_NAME");
      expect((error as Error).message).toContain(`'${name}'`);
    },
  );
});

describe("parseDocumentReference", () => {
  it("splits <slug>/<name>", () => {
    expect(parseDocumentReference("docker-registry/main")).toEqual({ slug: "docker-registry", name: "main" });
    expect(parseDocumentReference("k8s/Any_Name")).toEqual({ slug: "k8s", name: "Any_Name" });
  });

  it.each(["main", "/main", "docker-registry/", "a/b/c", "Docker/x", "a_b/x", "-a/x", "a--b/x", ""])(
    "is undefined for '%s'",
    (reference) => {
      expect(parseDocumentReference(reference)).toBeUndefined();
    },
  );
});

describe("documentNameFrom", () => {
  it("makes a document name of free text, as a Prefect block name", () => {
    expect(documentNameFrom("Team Registry")).toBe("team-registry");
    expect(documentNameFrom("étl_job--nightly!")).toBe("etl-job-nightly");
    expect(documentNameFrom("x".repeat(80))).toHaveLength(63);
    expect(documentNameFrom("***")).toBe("");
    for (const text of ["A b", "-x-", "a".repeat(70)])
      expect(isDocumentName(documentNameFrom(text))).toBe(true);
  });
});

describe("the exported patterns", () => {
  it.each(["process", "docker-container", "k8s", "a1-b2"])("SLUG_PATTERN accepts '%s'", (slug) => {
    expect(SLUG_PATTERN.test(slug)).toBe(true);
  });

  it.each(["", "Docker", "a_b", "-a", "a-", "a--b", "a/b"])("SLUG_PATTERN rejects '%s'", (slug) => {
    expect(SLUG_PATTERN.test(slug)).toBe(false);
  });

  it("DOCUMENT_NAME_PATTERN is the rule assertDocumentName enforces", () => {
    for (const name of ["a", "nightly-etl", "a--b", "a".repeat(63), "a".repeat(64), "-a", "A"]) {
      let valid = true;
      try {
        assertDocumentName(name);
      } catch {
        valid = false;
      }
      expect(DOCUMENT_NAME_PATTERN.test(name)).toBe(valid);
    }
  });
});
