import { describe, expect, it } from "vitest";
import { clusterConfigProblems } from "./cluster-config-checks.js";
import { contextProblem, contextUserProblems } from "./kubeconfig.js";

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

describe("contextUserProblems", () => {
  const kubeconfig = (user: Record<string, unknown>) => ({
    contexts: [
      { name: "dev", context: { cluster: "c", user: "other" } },
      { name: "prod", context: { cluster: "c", user: "deployer" } },
    ],
    "current-context": "prod",
    users: [
      { name: "other", user: { tokn: "ignored: not the selected context's user" } },
      { name: "deployer", user },
    ],
  });

  it("accepts every field of a kubeconfig user the client applies", () => {
    const user = {
      token: "t",
      "client-certificate-data": "c",
      "client-key-data": "k",
      as: "admin",
      extensions: [],
    };
    expect(contextUserProblems(kubeconfig(user))).toEqual([]);
    expect(contextUserProblems(kubeconfig({ exec: { command: "aws" } }), "prod")).toEqual([]);
  });

  it("names a field kubectl would skip, such as a mistyped token, by its path", () => {
    const [problem, ...rest] = contextUserProblems(kubeconfig({ tokn: "abc" }));
    expect(rest).toEqual([]);
    expect(problem?.path).toBe("users[1].user.tokn");
    expect(problem?.message).toMatch(
      /^not a kubeconfig user field \(kubectl skips it in silence\); the fields are client-certificate, .*token,/,
    );
    // The secret's value is never quoted.
    expect(problem?.message).not.toContain("abc");
  });

  it("refuses impersonation the client would not apply", () => {
    const problems = contextUserProblems(
      kubeconfig({ token: "t", as: "admin", "as-groups": ["system:masters"] }),
    );
    expect(problems).toEqual([
      {
        path: "users[1].user.as-groups",
        message:
          "infrablocks' Kubernetes client does not apply as-groups, so the run would act without it; remove it, or use a user whose own permissions fit",
      },
    ]);
  });

  it("names a context's user that the kubeconfig does not define, and the users it has", () => {
    const config = { ...kubeconfig({ token: "t" }), "current-context": "prod" };
    config.contexts[1] = { name: "prod", context: { cluster: "c", user: "deployr" } };
    expect(contextUserProblems(config)).toEqual([
      {
        path: "contexts[1].context.user",
        message:
          "user 'deployr' of context 'prod' is not in the kubeconfig's users (it has 'other', 'deployer')",
      },
    ]);
  });
});

describe("clusterConfigProblems", () => {
  it("puts a kubeconfig without contexts on config, and a user's problems under config", () => {
    expect(clusterConfigProblems({ config: { clusters: [] } } as never)[0]?.path).toBe("config");
    const config = {
      contexts: [{ name: "prod", context: { cluster: "c", user: "u" } }],
      users: [{ name: "u", user: { tokn: "x" } }],
    };
    expect(clusterConfigProblems({ config, contextName: "prod" } as never)).toEqual([
      { path: "config.users[0].user.tokn", message: expect.stringMatching(/^not a kubeconfig user field/) },
    ]);
    expect(clusterConfigProblems({ config, contextName: "dev" } as never)[0]?.path).toBe("contextName");
  });
});
