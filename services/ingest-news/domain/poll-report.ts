/**
 * How loudly one poll is reported. Lost items and hostile markup deserve a warning; benign
 * repairs and notes (a missing guid, an HTML entity) ride on the poll's own line, which is info
 * when something was published or repaired and debug for a quiet poll, so a feed polled every
 * few minutes with nothing new leaves no trace at the default level.
 */

/** Repairs that mean someone tried something against the parser, not sloppiness. */
const HOSTILE_REPAIRS = ['doctype_removed', 'entity_declarations'] as const;

export function droppedTotal(dropped: Record<string, number>): number {
  return Object.values(dropped).reduce((a, b) => a + b, 0);
}

export interface PollReport {
  /** A separate warning line with the drops and repairs. */
  warn: boolean;
  /** Level of the poll's own `feed polled` line. */
  level: 'info' | 'debug';
}

export function pollReport(published: number, dropped: Record<string, number>, issues: Record<string, number>): PollReport {
  const warn = droppedTotal(dropped) > 0 || HOSTILE_REPAIRS.some((k) => (issues[k] ?? 0) > 0);
  const level = published > 0 || Object.keys(issues).length > 0 ? 'info' : 'debug';
  return { warn, level };
}
