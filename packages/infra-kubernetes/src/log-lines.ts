import { StringDecoder } from "node:string_decoder";
import { LogDeduplicator, timestampNanos } from "./log-timestamps.js";

/** What one log response brought. */
export interface ReadResult {
  /** Lines written that no earlier response had written. */
  lines: number;
  /** Text after the last newline (a line cut short, or the log's unterminated last line); "" if none. */
  partial: string;
}

/**
 * Turns log responses requested with `timestamps=true` into the command's lines, each written once.
 * Only complete lines are written: text after the last newline of a response is kept aside, because a
 * response may end at any byte; the next response, resumed from the last complete line's timestamp,
 * brings that line again, whole. Only when the log is known to be over does {@link finish} write the
 * kept text, which is then the command's last line without a newline.
 */
export class LogLines {
  readonly #deduplicator = new LogDeduplicator();
  readonly #write: (text: string) => boolean;
  #decoder = new StringDecoder("utf8");
  #pending = "";
  #lines = 0;

  /** `write` returns false when its consumer wants a pause (a full pipe), as `Writable.write` does. */
  constructor(write: (text: string) => boolean) {
    this.#write = write;
  }

  /** The `sinceTime` to resume from: the timestamp of the last complete line, or undefined. */
  get sinceTime(): string | undefined {
    return this.#deduplicator.sinceTime;
  }

  /** Call before each response. */
  begin(): void {
    this.#deduplicator.restart();
    this.#decoder = new StringDecoder("utf8");
    this.#pending = "";
    this.#lines = 0;
  }

  /** Writes the complete new lines of a chunk; false when the consumer asked for a pause. */
  push(chunk: Buffer): boolean {
    let room = true;
    this.#pending += this.#decoder.write(chunk);
    let newline = this.#pending.indexOf("\n");
    while (newline >= 0) {
      const line = this.#pending.slice(0, newline);
      this.#pending = this.#pending.slice(newline + 1);
      if (this.#accept(line)) room = this.#write(`${textOf(line)}\n`) && room;
      newline = this.#pending.indexOf("\n");
    }
    return room;
  }

  /** Call when the response is over, however it ended. */
  end(): ReadResult {
    this.#pending += this.#decoder.end();
    return { lines: this.#lines, partial: this.#pending };
  }

  /**
   * Writes `partial`, the text after the log's last newline, when the log is over; dropped when it is
   * no line of its own (a cut inside the timestamp, or the start of a line already written).
   */
  finish(partial: string): void {
    const space = partial.indexOf(" ");
    if (space < 0 || timestampNanos(partial.slice(0, space)) === undefined) return;
    if (this.#accept(partial)) this.#write(textOf(partial));
  }

  #accept(line: string): boolean {
    const space = line.indexOf(" ");
    // A line without a timestamp cannot be placed; better shown twice than lost.
    const timestamp = space >= 0 ? line.slice(0, space) : line;
    if (!this.#deduplicator.accept(timestamp)) return false;
    this.#lines++;
    return true;
  }
}

/** The command's text of a line as sent (`<RFC 3339 timestamp> <text>`); a line without one whole. */
function textOf(line: string): string {
  const space = line.indexOf(" ");
  if (space < 0 || timestampNanos(line.slice(0, space)) === undefined) return line;
  return line.slice(space + 1);
}
