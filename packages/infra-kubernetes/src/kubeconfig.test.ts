import { describe, expect, it } from "vitest";
import { contextProblem } from "./kubeconfig.js";

const withContexts = {
  contexts: [{ name: "prod", context: { cluster: "c", user: "u" } }],
  "current-context": "prod",
};

describe("contextProblem", () => {
  it("accepts the current context, and lists the contexts the file has when one is missing", () => {
    expect(contextProblem(withContexts)).toBeUndefined();
    expect(contextProblem(withContexts, "dev")).toBe(
      "context 'dev' is not in the kubeconfig; specify one of: 'prod'",
    );
    expect(contextProblem({ contexts: withContexts.contexts })).toBe(
      "the kubeconfig has no current-context; set contextName to one of: 'prod'",
    );
  });

  it("says plainly that a kubeconfig without contexts needs one, never 'one of: none'", () => {
    const problem = contextProblem({ clusters: [] });
    expect(problem).toBe(
      "the kubeconfig defines no contexts; add one under 'contexts' (a name, a cluster and a user) and set current-context or contextName to it",
    );
    expect(contextProblem({ contexts: [] }, "prod")).toMatch(
      /^context 'prod' is not in the kubeconfig: the kubeconfig defines no contexts; add one/,
    );
  });
});
