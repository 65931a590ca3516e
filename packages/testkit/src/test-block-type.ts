import { describe, it } from "vitest";
import { conformanceChecks } from "./conformance.js";
import type { ConformanceOptions } from "./options.js";

/**
 * Registers the conformance suite for one block type with vitest: call it at the top level of a
 * test file. Checks that cannot run here (no runnable options, no run capability) are reported as
 * skipped, with the reason in their name.
 */
export function testBlockType(options: ConformanceOptions): void {
  describe(`${options.blockType.slug} conformance`, () => {
    for (const group of conformanceChecks(options)) {
      describe(group.name, () => {
        for (const check of group.checks) {
          if (check.skip) it.skip(`${check.name} (skipped: ${check.skip})`);
          else it(check.name, () => check.run(), check.timeoutMs);
        }
      });
    }
  });
}
