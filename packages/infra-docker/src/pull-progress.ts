import type { ProgressOutput } from "@infrablocks/core/runtime";

/** One line of the engine's pull output. */
export interface PullEvent {
  id?: string;
  status?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
}

interface Layer {
  id: string;
  status: string;
  /** Bytes of the current step (download or extraction) so far, and of the whole step. */
  current?: number;
  total?: number;
  /** The layer's download size, once the engine has said it. */
  size?: number;
}

const LAYER_ID = /^[0-9a-f]{12}$/;
// Layers that arrive with these states were not downloaded by this pull.
const PRESENT = new Set(["Already exists"]);
const DOWNLOADED = new Set(["Verifying Checksum", "Download complete", "Extracting", "Pull complete"]);
const REDRAW_EVERY_MS = 200;
const SUMMARY_EVERY_MS = 5000;
const BAR_WIDTH = 20;

/**
 * Follows a pull's events and shows them: on a terminal, one line per layer with its bytes and
 * percent, redrawn in place; elsewhere, a line of totals every few seconds. {@link finish} gives the
 * final line. Pure but for the clock it is given, so tests feed it recorded events.
 */
export class PullProgress {
  readonly #layers = new Map<string, Layer>();
  readonly #image: string;
  readonly #output: ProgressOutput | undefined;
  readonly #now: () => number;
  readonly #started: number;
  #outcome = "";
  #drawnLines = 0;
  #lastDraw = Number.NEGATIVE_INFINITY;

  constructor(image: string, output: ProgressOutput | undefined, now: () => number = Date.now) {
    this.#image = image;
    this.#output = output;
    this.#now = now;
    this.#started = now();
    this.#lastDraw = output?.terminal ? Number.NEGATIVE_INFINITY : this.#started;
  }

  update(event: PullEvent): void {
    if (!event.status) return;
    if (!event.id || !LAYER_ID.test(event.id)) {
      // "Pulling from …" and "Digest: …" say nothing new; "Status: …" says how the pull ended.
      if (event.status.startsWith("Status: ")) this.#outcome = event.status.slice("Status: ".length);
      return;
    }
    const layer = this.#layers.get(event.id);
    const changed = layer?.status !== event.status;
    const { current, total } = event.progressDetail ?? {};
    const next: Layer = { id: event.id, status: event.status, size: layer?.size };
    if (typeof total === "number" && total > 0) {
      next.current = current ?? 0;
      next.total = total;
      next.size ??= total;
    }
    this.#layers.set(event.id, next);
    this.#show(changed);
  }

  /** Draws the last state, and answers the line that sums the pull up. */
  finish(): string {
    if (this.#output?.terminal) this.#draw();
    const seconds = `${((this.#now() - this.#started) / 1000).toFixed(1)}s`;
    const layers = [...this.#layers.values()];
    const present = layers.filter((layer) => PRESENT.has(layer.status)).length;
    if (layers.length === present && /up to date/i.test(this.#outcome)) {
      return `Image '${this.#image}' is up to date (${seconds}).`;
    }
    const downloaded = layers.length - present;
    const already = present > 0 ? `, ${present} already present` : "";
    const { done, total } = this.#totals();
    // Podman's compatible API says no layer's size: then no byte count, rather than a false "0 B".
    const bytes = total === 0 && downloaded > 0 ? "" : `${formatBytes(done)} in `;
    return `Pulled '${this.#image}': ${bytes}${plural(downloaded, "new layer")}${already}, ${seconds}.`;
  }

  /** The line of totals that a non-terminal gets every few seconds. */
  summary(): string {
    const { done, total, unknown } = this.#totals();
    const layers = [...this.#layers.values()];
    const finished = layers.filter((layer) => layer.status === "Pull complete" || PRESENT.has(layer.status));
    // Layers' sizes are known once their downloads start: "+" says more is to come.
    const bytes =
      total > 0
        ? `${formatBytes(done)} of ${formatBytes(total)}${unknown ? "+" : ""} (${Math.floor((done / total) * 100)}%)`
        : formatBytes(done);
    const seconds = Math.round((this.#now() - this.#started) / 1000);
    return `Pulling '${this.#image}': ${bytes}, ${finished.length} of ${plural(layers.length, "layer")} done, ${seconds}s`;
  }

  /** The terminal's lines: one per layer. */
  lines(): string[] {
    // A pseudo-terminal with no size set says 0 columns.
    const width = Math.max((this.#output?.columns || 80) - 1, 20);
    return [...this.#layers.values()].map((layer) => layerLine(layer).slice(0, width));
  }

  // --- Internal helpers ---

  #show(changed: boolean): void {
    const output = this.#output;
    if (!output) return;
    const now = this.#now();
    if (output.terminal) {
      if (changed || now - this.#lastDraw >= REDRAW_EVERY_MS) this.#draw();
    } else if (now - this.#lastDraw >= SUMMARY_EVERY_MS) {
      this.#lastDraw = now;
      output.write(`${this.summary()}\n`);
    }
  }

  /** Moves the cursor back over the lines drawn last and draws them all again; new layers add lines. */
  #draw(): void {
    const lines = this.lines();
    if (lines.length === 0) return;
    const up = this.#drawnLines > 0 ? `\x1b[${this.#drawnLines}A` : "";
    this.#output?.write(up + lines.map((line) => `\x1b[2K${line}\n`).join(""));
    this.#drawnLines = lines.length;
    this.#lastDraw = this.#now();
  }

  /** Bytes downloaded and to download, over the layers this pull downloads; unknown: some sizes are not known yet. */
  #totals(): { done: number; total: number; unknown: boolean } {
    let done = 0;
    let total = 0;
    let unknown = false;
    for (const layer of this.#layers.values()) {
      if (PRESENT.has(layer.status)) continue;
      if (layer.size === undefined) {
        unknown = true;
        continue;
      }
      total += layer.size;
      done += DOWNLOADED.has(layer.status) ? layer.size : (layer.current ?? 0);
    }
    return { done, total, unknown };
  }
}

/** Decimal units, as `docker pull` shows them. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

function layerLine(layer: Layer): string {
  const head = `${layer.id}: ${layer.status}`;
  if (layer.status === "Pull complete" || layer.status === "Download complete") {
    return layer.size === undefined ? head : `${head}  ${formatBytes(layer.size)}`;
  }
  if (layer.total === undefined || layer.current === undefined || !/ing$/.test(layer.status)) return head;
  const fraction = Math.min(layer.current / layer.total, 1);
  const filled = Math.floor(fraction * BAR_WIDTH);
  const bar = `[${"=".repeat(filled)}${filled < BAR_WIDTH ? ">" : ""}${" ".repeat(Math.max(BAR_WIDTH - filled - 1, 0))}]`;
  return `${head.padEnd(33)} ${bar} ${formatBytes(layer.current)} / ${formatBytes(layer.total)}  ${Math.floor(fraction * 100)}%`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
