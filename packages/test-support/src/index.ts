export { dockerAvailable } from "./docker-gate.js";
