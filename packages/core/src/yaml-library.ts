// The yaml library, bundled into a file of its own (dist/yaml-library.cjs) that core loads on first use
// (lazy-yaml.ts): most documents are read without it (plain-yaml.ts).
export { isScalar, parse, parseAllDocuments, stringify, visit } from "yaml";
