/**
 * No NUL byte: none can cross exec(), or name a file, a user or a mount, so such a text could never
 * reach the system. A `pattern` in the exported schema, so that whatever validates with the schema
 * alone, a form among them, refuses what could not run.
 */
export const NO_NUL_BYTE = /^[^\0]*$/;
