import { fakeOptions } from "./fake-block.test-support.js";
import { testBlockType } from "./test-block-type.js";

// The one-line use a driver author writes: it registers the whole suite against the fake driver.
testBlockType(fakeOptions());
