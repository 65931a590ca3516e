// `@infrablocks/core/registry`: what every command needs before it reads a document (errors, names,
// the registry), and nothing else: `infrablocks types` and `schema` import only this from core.
// `@infrablocks/core/runtime` and the main entry re-export all of it.

export {
  ERROR_CODES,
  type ErrorCode,
  type ErrorDetails,
  InfrablocksError,
  isInfrablocksError,
} from "./errors.js";
export {
  assertDocumentName,
  DOCUMENT_NAME_PATTERN,
  documentNameFrom,
  isDocumentName,
  parseDocumentReference,
  SLUG_PATTERN,
} from "./names.js";
export { type BlockTypeEntry, BlockRegistry, type RegisteredType } from "./registry.js";
export { type SlugifyOptions, slugify } from "./slugify.js";
export { defaultStoreHome } from "./store-home.js";
