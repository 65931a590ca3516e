import { convertPrefectFields, type PrefectImport, prefectInfrastructureRules } from "@infrablocks/core";

/** Prefect 2's `Process` block: the shared infrastructure fields and `working_dir`. */
export const processFromPrefect: PrefectImport = (data, context) =>
  convertPrefectFields(
    "process",
    data,
    { ...prefectInfrastructureRules, working_dir: "workingDir" },
    context,
  );
