/** One line of the engine's pull output. */
export interface PullEvent {
  id?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
}

const LAYER_ID = /^[0-9a-f]{12}$/;

/**
 * Turns the engine's pull events into one line per change of a layer's state ("Downloading",
 * "Extracting", "Pull complete"…). Byte-level progress updates repeat the state and are dropped,
 * so a pull writes a few lines per layer, not one per packet.
 */
export class PullProgress {
  readonly #states = new Map<string, string>();
  readonly #report: (line: string) => void;

  constructor(report: (line: string) => void) {
    this.#report = report;
  }

  update(event: PullEvent): void {
    if (!event.status) return;
    const key = event.id ?? "";
    if (this.#states.get(key) === event.status) return;
    this.#states.set(key, event.status);
    // Layer events carry the layer's short id; the others carry the tag, which the caller already names.
    this.#report(event.id && LAYER_ID.test(event.id) ? `layer ${event.id}: ${event.status}` : event.status);
  }
}
