import { describe, expect, it } from "vitest";
import { sshArguments } from "./ssh-bridge.js";

describe("sshArguments", () => {
  it("is the docker CLI's command line: no terminal, a connect timeout, user and port as options", () => {
    expect(sshArguments({ host: "build.example.com", user: "me", port: 2222 })).toEqual([
      "-o",
      "ConnectTimeout=30",
      "-T",
      "-l",
      "me",
      "-p",
      "2222",
      "--",
      "build.example.com",
      "docker",
      "system",
      "dial-stdio",
    ]);
  });

  it("leaves the user and port to ssh's configuration when the address has none", () => {
    // "--" keeps a host that starts with "-" from being read as an option.
    expect(sshArguments({ host: "-oProxyCommand=x" })).toEqual([
      "-o",
      "ConnectTimeout=30",
      "-T",
      "--",
      "-oProxyCommand=x",
      "docker",
      "system",
      "dial-stdio",
    ]);
  });
});
