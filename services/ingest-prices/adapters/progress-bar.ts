export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressBar {
  update(done: number, total: number, note?: string): void;
  /** Draws the final state and moves to a new line. */
  finish(note?: string): void;
}

/** `[#########...........]  45%  note`: the text of one frame. */
export function renderBar(fraction: number, width: number): string {
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const filled = Math.round(f * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor(f * 100)).padStart(3)}%`;
}

/**
 * A progress bar redrawn in place on a terminal (stderr, so stdout stays clean for pipes).
 * Frames are throttled; when the stream is not a terminal nothing is drawn, because a log
 * file full of carriage returns helps nobody.
 */
export function createProgressBar(stream: ProgressStream, label: string, options: { minIntervalMs?: number; now?: () => number } = {}): ProgressBar {
  const now = options.now ?? (() => performance.now());
  const minInterval = options.minIntervalMs ?? 100;
  let lastDraw = -Infinity;
  let lastText = '';
  let drawn = false;
  const draw = (done: number, total: number, note?: string) => {
    const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - label.length - 30));
    const text = `\r${label} ${renderBar(total > 0 ? done / total : 0, width)}${note ? `  ${note}` : ''}`;
    if (text === lastText) return;
    // Pad over a longer previous frame so no stale characters remain.
    stream.write(text.padEnd(lastText.length));
    lastText = text;
    drawn = true;
  };
  return {
    update(done, total, note) {
      if (!stream.isTTY) return;
      const t = now();
      if (t - lastDraw < minInterval && done < total) return;
      lastDraw = t;
      draw(done, total, note);
    },
    finish(note) {
      if (!stream.isTTY) return;
      draw(1, 1, note);
      if (drawn) stream.write('\n');
    },
  };
}
