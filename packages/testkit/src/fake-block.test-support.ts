/**
 * An in-memory driver for the testkit's own tests (only `*.test.ts` import it): it "runs" two commands,
 * `exit <code> <line>` and `wait`, and each test breaks one part of it to see the suite catch that.
 */
import {
  type BlockConfig,
  DOCKER_LOGIN,
  defineBlockType,
  type Infrastructure,
  InfrablocksError,
  infrastructureFields,
  maskEnvironment,
  mergeEnvironment,
  nestedBlock,
  RUN_INFRASTRUCTURE,
  requireCommand,
  secret,
  z,
} from "@infrablocks/core";
import type { ConformanceOptions } from "./options.js";

export const fakeRegistryType = defineBlockType({
  slug: "fake-registry",
  title: "Fake Registry",
  description: "Credentials for a registry that does not exist.",
  capabilities: [DOCKER_LOGIN],
  version: "1.0.0",
  package: "fake-driver",
  fields: {
    username: z.string().meta({ description: "The user." }),
    password: secret(z.string(), { description: "The user's password." }),
  },
});

const fields = {
  ...infrastructureFields,
  token: secret(
    z.string().refine((value) => value.startsWith("tok-"), { error: "a token starts with tok-" }),
    { description: "A token the runs need." },
  ).optional(),
  registry: nestedBlock(fakeRegistryType, { description: "Where images come from." }).optional(),
};
type FakeBlock = BlockConfig<"fake-run", typeof fields>;

/** What each test may replace in the fake runtime. */
export type FakeRuntime = Infrastructure<FakeBlock>;

export function fakeRunType(
  overrides: Partial<FakeRuntime> = {},
  extraFields: Record<string, z.ZodType> = {},
) {
  const runtime = { ...fakeRuntime(), ...overrides };
  return defineBlockType({
    slug: "fake-run",
    title: "Fake Run",
    description: "Runs pretend commands in memory.",
    capabilities: [RUN_INFRASTRUCTURE],
    version: "1.0.0",
    package: "fake-driver",
    fields: { ...fields, ...extraFields },
    loadInfrastructure: async () => runtime as Infrastructure<never>,
  });
}

export const TOKEN = "tok-4a9d1e77c2";
export const PASSWORD = "registry-pass-93be01";

export function fakeOptions(overrides: Partial<ConformanceOptions> = {}): ConformanceOptions {
  return {
    blockType: fakeRunType(),
    validDocument: {
      command: ["exit", "0", "hello"],
      token: TOKEN,
      registry: { type: "fake-registry", username: "me", password: PASSWORD },
    },
    invalidDocuments: [{ document: { command: ["exit", 1] }, path: "command.1" }],
    runnable: {
      document: (command) => ({ command, token: TOKEN }),
      exitCommand: (code, line) => ["exit", String(code), line],
      longRunningCommand: ["wait"],
      foreignIdentifier: "elsewhere:1",
      graceSeconds: 1,
      timeoutMs: 2_000,
    },
    ...overrides,
  };
}

/** A well-behaved runtime: runs are `here:<n>`, and `wait` runs until killed. */
function fakeRuntime(): FakeRuntime {
  let next = 1;
  const waiting = new Map<number, () => void>();
  return {
    async run(config, context) {
      const [verb, code, line] = requireCommand("fake-run", config.command);
      const run = next++;
      const identifier = `here:${run}`;
      context.onStarted(identifier);
      if (verb === "wait") {
        await new Promise<void>((resolve) => waiting.set(run, resolve));
        return { identifier, statusCode: -15, signal: 15 };
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
      if (config.streamOutput) context.stdout.write(`${line}\n`);
      return { identifier, statusCode: Number(code) };
    },
    async preview(config, context) {
      const env = maskEnvironment(mergeEnvironment(context.baseEnvironment, config.env));
      return `${JSON.stringify(env)} ${requireCommand("fake-run", config.command).join(" ")}`;
    },
    async kill(_config, identifier) {
      const match = /^([a-z]+):([0-9]+)$/.exec(identifier);
      if (!match) throw new InfrablocksError("INVALID_IDENTIFIER", `'${identifier}' is not <place>:<n>.`);
      if (match[1] !== "here") throw new InfrablocksError("INFRASTRUCTURE_NOT_AVAILABLE", "Not here.");
      const stop = waiting.get(Number(match[2]));
      if (!stop) throw new InfrablocksError("INFRASTRUCTURE_NOT_FOUND", `Run ${match[2]} has ended.`);
      waiting.delete(Number(match[2]));
      stop();
    },
  };
}
