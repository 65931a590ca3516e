// The docker CLI's RAMInBytes: a number, an optional space, a binary unit, then optional "i" and "b".
const BYTE_SIZE = /^(\d+(?:\.\d+)?) ?([kmgtp])?i?b?$/i;
const UNITS: Record<string, number> = { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40, p: 2 ** 50 };

/** Whether text is a size the docker CLI accepts, such as "512m", "1g", "1.5GiB" or "1048576". */
export function isByteSize(text: string): boolean {
  return BYTE_SIZE.test(text.trim());
}

/** Bytes for a size given as a number of bytes or as text ({@link isByteSize}); units are powers of 1024. */
export function toBytes(size: number | string): number {
  if (typeof size === "number") return Math.floor(size);
  const match = BYTE_SIZE.exec(size.trim());
  if (!match) throw new Error(`'${size}' is not a size such as "512m" or "1g"`);
  const unit = match[2] ? (UNITS[match[2].toLowerCase()] as number) : 1;
  return Math.floor(Number(match[1]) * unit);
}
