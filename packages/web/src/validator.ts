import { customizeValidator } from "@rjsf/validator-ajv8";

// rjsf builds on Ajv's default class, which speaks draft-07: the dialect of the exported schemas.
// `password` marks a secret for the form; it constrains nothing, so it is declared as a format that
// accepts any text (Ajv would otherwise warn about an unknown format on every compile).
export const validator = customizeValidator({ customFormats: { password: () => true } });
