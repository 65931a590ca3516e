export interface SlugifyOptions {
  /** Characters outside this class become a dash; runs of dashes collapse to one. */
  disallowed: RegExp;
  maxLength: number;
  lowercase?: boolean;
  /** Characters stripped from both ends after truncation. @default "-" */
  trim?: string;
}

/**
 * Turns free text into an identifier for Docker or Kubernetes, as python-slugify does for Prefect:
 * accents folded to ASCII, disallowed runs replaced by one dash, ends trimmed, length capped.
 * Returns "" when nothing is left; callers choose their fallback.
 */
export function slugify(text: string, options: SlugifyOptions): string {
  const trim = options.trim ?? "-";
  const folded = text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  const cased = options.lowercase ? folded.toLowerCase() : folded;
  const flags = options.disallowed.flags.includes("g")
    ? options.disallowed.flags
    : `${options.disallowed.flags}g`;
  const dashed = cased.replace(new RegExp(options.disallowed.source, flags), "-").replace(/-{2,}/g, "-");
  return trimChars(trimChars(dashed, trim).slice(0, options.maxLength), trim);
}

function trimChars(text: string, chars: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && chars.includes(text[start] as string)) start++;
  while (end > start && chars.includes(text[end - 1] as string)) end--;
  return text.slice(start, end);
}
