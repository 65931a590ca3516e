import { schemaDriftSuite } from "@infrablocks/testkit";
import { blockTypes } from "./index.js";

schemaDriftSuite(blockTypes, new URL("../schemas/", import.meta.url));
