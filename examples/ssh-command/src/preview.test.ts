import { BlockRegistry, loadInfrastructure, resolveBlock, driverContext } from "@infrablocks/core";
import { describe, expect, it } from "vitest";
import { sshCommandBlockType } from "./index.js";

async function preview(fields: Record<string, unknown>, baseEnvironment: Record<string, string> = {}) {
  const resolved = await resolveBlock(
    new BlockRegistry([sshCommandBlockType]),
    {
      type: "ssh-command",
      host: "build.example.com",
      user: "deploy",
      command: ["make", "two words"],
      ...fields,
    },
    async () => {
      throw new Error("no saved documents here");
    },
  );
  return (await loadInfrastructure(sshCommandBlockType)).preview(
    resolved.config,
    driverContext({ baseEnvironment }),
  );
}

describe("ssh-command preview", () => {
  it("shows where, how the host is checked, and the remote script, with secrets masked", async () => {
    const text = await preview(
      {
        privateKey: "private-key-text-2281",
        password: "password-text-9913",
        env: { API_TOKEN: "token-value-5521", PLAIN: "shown", GONE: null },
      },
      { INFRABLOCKS_API_KEY: "base-key-7781" },
    );
    expect(text).toBe(
      [
        "# ssh deploy@build.example.com:22 (host key checked against ~/.ssh/known_hosts; login with privateKey + password)",
        "echo $$",
        "unset GONE",
        "export INFRABLOCKS_API_KEY='********'",
        "export API_TOKEN='********'",
        "export PLAIN=shown",
        "exec make 'two words'",
      ].join("\n"),
    );
  });

  it("says when the host key goes unchecked", async () => {
    expect(await preview({ password: "password-text-9913", strictHostKeyChecking: false })).toMatch(
      /host key NOT checked; login with password/,
    );
  });
});
