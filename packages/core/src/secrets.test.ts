import { describe, expect, it } from "vitest";
import { stringify as toYaml } from "yaml";
import { isSecretVariableName, MASK } from "./mask.js";
import { maskDocument, secretValues } from "./block-secrets.js";
import { maskEnvironment, Redactor } from "./secrets.js";
import {
  clusterConfigType,
  containerType,
  jobType,
  outerType,
  registryType,
} from "./testing-fixtures.test-support.js";

const KUBECONFIG = {
  apiVersion: "v1",
  kind: "Config",
  "current-context": "default",
  clusters: [
    {
      name: "default",
      cluster: { server: "https://10.0.0.1:6443", "certificate-authority-data": "Q0FDRVJUREFUQQ==" },
    },
  ],
  users: [
    {
      name: "default",
      user: {
        token: "eyJhbGciOi.token-value",
        "client-key-data": "S0VZREFUQV9WQUxVRQ==",
        "client-certificate-data": "Q0VSVERBVEFfVkFMVUU=",
        password: "kube-pass-1234",
      },
    },
  ],
  contexts: [{ name: "default", context: { cluster: "default", user: "default", namespace: "default" } }],
};

describe("maskDocument", () => {
  it("masks nested secrets and wildcard maps, leaving everything else", () => {
    const document = {
      type: "test-container",
      image: "busybox",
      env: { API_TOKEN: "visible-in-documents" },
      imageRegistry: { type: "test-registry", username: "u", password: "p4ss-word", registryUrl: "r.io" },
      headers: { authorization: "Bearer abc", "x-api-key": "k-123", empty: null },
    };
    const masked = maskDocument(containerType, document);
    expect(masked).toEqual({
      type: "test-container",
      image: "busybox",
      env: { API_TOKEN: "visible-in-documents" },
      imageRegistry: { type: "test-registry", username: "u", password: MASK, registryUrl: "r.io" },
      headers: { authorization: MASK, "x-api-key": MASK, empty: null },
    });
    expect(MASK).toBe("********");
    // A copy: the input keeps its secrets.
    expect(document.imageRegistry.password).toBe("p4ss-word");
    expect(document.headers.authorization).toBe("Bearer abc");
  });

  it("leaves a $ref where the nested block would be", () => {
    const document = { type: "test-container", image: "i", imageRegistry: { $ref: "test-registry/main" } };
    expect(maskDocument(containerType, document)).toEqual(document);
  });

  it("masks a whole-object secret whole, and deeply nested secrets", () => {
    expect(maskDocument(clusterConfigType, { type: "test-cluster-config", config: KUBECONFIG })).toEqual({
      type: "test-cluster-config",
      config: MASK,
    });
    expect(
      maskDocument(jobType, { type: "test-job", clusterConfig: { config: "apiVersion: v1\n" } }),
    ).toEqual({
      type: "test-job",
      clusterConfig: { config: MASK },
    });
    expect(
      maskDocument(outerType, {
        type: "test-outer",
        inner: { image: "i", imageRegistry: { password: "deep-secret" }, headers: { a: "b" } },
      }),
    ).toEqual({
      type: "test-outer",
      inner: { image: "i", imageRegistry: { password: MASK }, headers: { a: MASK } },
    });
  });

  it("does not add missing secret fields", () => {
    expect(maskDocument(registryType, { type: "test-registry", username: "u" })).toEqual({
      type: "test-registry",
      username: "u",
    });
    expect(maskDocument(containerType, { type: "test-container", image: "i" })).toEqual({
      type: "test-container",
      image: "i",
    });
  });
});

describe("maskEnvironment", () => {
  it.each([
    "API_KEY",
    "api_key",
    "MyToken",
    "github_token",
    "CLIENT_SECRET",
    "db_password",
    "Password",
    "KEYRING",
  ])("masks %s", (name) => {
    expect(isSecretVariableName(name)).toBe(true);
    expect(maskEnvironment({ [name]: "value" })).toEqual({ [name]: MASK });
  });

  it("keeps other variables", () => {
    const env = { PATH: "/usr/bin", INFRABLOCKS_API_URL: "http://localhost:4200", USER: "me", PASS: "p" };
    expect(maskEnvironment(env)).toEqual(env);
    expect(isSecretVariableName("HOME")).toBe(false);
  });
});

describe("Redactor", () => {
  const value = 'p@ss w/rd"+\\é:1';

  it.each([
    ["raw", value],
    ["JSON-escaped", JSON.stringify(value).slice(1, -1)],
    ["URL-encoded", encodeURIComponent(value)],
    ["base64", Buffer.from(value).toString("base64")],
    ["base64url", Buffer.from(value).toString("base64url")],
  ])("masks the %s form", (_form, encoded) => {
    const redactor = new Redactor();
    redactor.add(value);
    const text = `before ${encoded} middle ${encoded} after`;
    expect(redactor.redact(text)).toBe(`before ${MASK} middle ${MASK} after`);
  });

  it("masks a base64 X-Registry-Auth header that carries the secret inside JSON", () => {
    const redactor = new Redactor();
    const auth = Buffer.from(JSON.stringify({ username: "u", password: "registry-pass" })).toString("base64");
    redactor.add(auth);
    expect(redactor.redact(`X-Registry-Auth: ${auth}`)).toBe(`X-Registry-Auth: ${MASK}`);
  });

  it("masks every value added, and ignores values shorter than 4 characters", () => {
    const redactor = new Redactor();
    redactor.add("first-secret", "second-secret", "abc", "");
    expect(redactor.redact("first-secret second-secret abc abcd")).toBe(`${MASK} ${MASK} abc abcd`);
  });

  // Bug: Redactor.redact replaces needles in insertion order, so when one secret is a prefix of a
  // longer one added after it, the short one is replaced first and the rest of the long one leaks:
  // add("abcd", "abcd-efgh-ijkl") then redact("abcd-efgh-ijkl") gives "********-efgh-ijkl" instead of
  // "********". (Replacing the longest needles first fixes it.)
  it("masks a secret whole even when a shorter secret is its prefix", () => {
    const redactor = new Redactor();
    redactor.add("abcd", "abcd-efgh-ijkl");
    expect(redactor.redact("token=abcd-efgh-ijkl")).toBe(`token=${MASK}`);
  });

  it("masks a secret whole when the longer secret is added first", () => {
    const redactor = new Redactor();
    redactor.add("abcd-efgh-ijkl", "abcd");
    expect(redactor.redact("token=abcd-efgh-ijkl abcd")).toBe(`token=${MASK} ${MASK}`);
  });

  it("leaves text without secrets unchanged", () => {
    const redactor = new Redactor();
    expect(redactor.redact("nothing to hide")).toBe("nothing to hide");
    redactor.add("hidden-value");
    expect(redactor.redact("nothing to hide")).toBe("nothing to hide");
  });
});

describe("secretValues", () => {
  it("collects plain, nested and map secrets, skipping empty ones", () => {
    const values = secretValues(containerType, {
      type: "test-container",
      image: "i",
      imageRegistry: { username: "u", password: "reg-pass" },
      headers: { a: "header-one", b: "header-two", c: "" },
    });
    expect(values.sort()).toEqual(["header-one", "header-two", "reg-pass"]);
  });

  it("collects the credentials inside a kubeconfig object, not its ordinary words", () => {
    const values = secretValues(clusterConfigType, { type: "test-cluster-config", config: KUBECONFIG });
    expect(values.sort()).toEqual(
      [
        "Q0FDRVJUREFUQQ==",
        "Q0VSVERBVEFfVkFMVUU=",
        "S0VZREFUQV9WQUxVRQ==",
        "eyJhbGciOi.token-value",
        "kube-pass-1234",
      ].sort(),
    );
    for (const word of ["default", "v1", "Config", "https://10.0.0.1:6443"])
      expect(values).not.toContain(word);
  });

  it("collects a kubeconfig given as YAML text whole and credential by credential", () => {
    const text = toYaml(KUBECONFIG);
    const values = secretValues(jobType, { type: "test-job", clusterConfig: { config: text } });
    expect(values).toContain(text);
    expect(values).toContain("eyJhbGciOi.token-value");
    expect(values).toContain("S0VZREFUQV9WQUxVRQ==");
    expect(values).toContain("kube-pass-1234");
    expect(values).not.toContain("default");
  });

  it("feeds a Redactor that scrubs the credentials but keeps `default` readable", () => {
    const redactor = new Redactor();
    redactor.add(...secretValues(clusterConfigType, { config: KUBECONFIG }));
    const log = "user default in namespace default sent token eyJhbGciOi.token-value";
    expect(redactor.redact(log)).toBe(`user default in namespace default sent token ${MASK}`);
  });

  it("returns nothing for a document without secrets or with a $ref", () => {
    expect(secretValues(registryType, { type: "test-registry", username: "u" })).toEqual([]);
    expect(secretValues(containerType, { imageRegistry: { $ref: "test-registry/x" } })).toEqual([]);
    expect(secretValues(containerType, null)).toEqual([]);
  });
});
