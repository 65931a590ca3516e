import { z } from "zod";
import { NO_NUL_BYTE } from "./nul-byte.js";

/** The fields every infrastructure block type shares; spread them into a type's fields. */
export const infrastructureFields = {
  env: z
    .record(
      z.string().regex(/^[^=\0]+$/, "an environment variable name is not empty and holds no '=' and no NUL"),
      z.string().regex(NO_NUL_BYTE, "an environment value holds no NUL byte").nullable(),
    )
    .default({})
    .meta({
      title: "Environment",
      description:
        "Environment variables to set in the infrastructure. They override the caller's INFRABLOCKS_* variables; null removes an inherited variable.",
    }),
  labels: z
    .record(z.string(), z.string())
    .default({})
    .meta({ description: "Labels applied to the infrastructure for identification and clean-up." }),
  name: z.string().optional().meta({ description: "Name applied to the infrastructure for identification." }),
  command: z
    .array(z.string().regex(NO_NUL_BYTE, "an argument holds no NUL byte"))
    .min(1, "a command needs at least its executable")
    .optional()
    .meta({
      description:
        "The command to run: the executable, then its arguments, each passed verbatim (no shell). Required to run.",
    }),
  streamOutput: z
    .boolean()
    .default(true)
    .meta({ description: "Stream the infrastructure's output to the caller's stdout and stderr." }),
};
