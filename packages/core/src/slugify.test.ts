import { describe, expect, it } from "vitest";
import { type SlugifyOptions, slugify } from "./slugify.js";

const dns: SlugifyOptions = { disallowed: /[^a-z0-9-]/, maxLength: 63, lowercase: true };

describe("slugify", () => {
  it("folds accents to ASCII", () => {
    expect(slugify("Café Été Ñandú", dns)).toBe("cafe-ete-nandu");
    expect(slugify("ﬁle", dns)).toBe("file");
  });

  it("replaces a run of disallowed characters with one dash", () => {
    expect(slugify("hello   world!!!again", dns)).toBe("hello-world-again");
    expect(slugify("a - - b", dns)).toBe("a-b");
    expect(slugify("a---b", dns)).toBe("a-b");
  });

  it("trims dashes from both ends", () => {
    expect(slugify("--Hello World--", dns)).toBe("hello-world");
    expect(slugify("  !!x!!  ", dns)).toBe("x");
  });

  it("caps the length and trims a dash left at the cut", () => {
    expect(slugify("a".repeat(70), dns)).toBe("a".repeat(63));
    expect(slugify(`${"a".repeat(62)} bcd`, dns)).toBe("a".repeat(62));
    expect(slugify(`---${"b".repeat(70)}`, dns)).toBe("b".repeat(63));
    expect(slugify("abcdef", { ...dns, maxLength: 3 })).toBe("abc");
  });

  it("returns an empty string when nothing is left", () => {
    expect(slugify("", dns)).toBe("");
    expect(slugify("!!! ???", dns)).toBe("");
    expect(slugify("日本語", dns)).toBe("");
  });

  it("keeps the case unless asked to lowercase, and trims the characters it is told to", () => {
    const docker: SlugifyOptions = { disallowed: /[^a-zA-Z0-9_.-]/, maxLength: 20, trim: "-_." };
    expect(slugify("My Container_1.0", docker)).toBe("My-Container_1.0");
    expect(slugify("_.Flow Run._", docker)).toBe("Flow-Run");
    expect(slugify("Upper", { ...dns, lowercase: false })).toBe("pper");
  });

  it("gives the same result for a global pattern, call after call", () => {
    const global: SlugifyOptions = { ...dns, disallowed: /[^a-z0-9-]/g };
    expect(slugify("A b c", global)).toBe("a-b-c");
    expect(slugify("A b c", global)).toBe("a-b-c");
  });
});
