import { convertPrefectFields, MASK, type PrefectImport } from "@infrablocks/core";

/** Prefect 2's `DockerRegistry` block. An export without secrets holds the mask, never the password. */
export const dockerRegistryFromPrefect: PrefectImport = (data, context) =>
  convertPrefectFields(
    "docker-registry",
    data,
    {
      username: "username",
      password: (value, path, out) => {
        if (typeof value === "string" && /^\*+$/.test(value)) {
          context.problem(
            path,
            `the export holds the masked value (${MASK}), not the password: export with secrets included (Prefect's include_secrets), or write the password in`,
          );
          return;
        }
        out.password = value;
      },
      registry_url: "registryUrl",
      reauth: "reauth",
    },
    context,
  );
