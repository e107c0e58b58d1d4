/** `asyncrace report`'s options, and their parsers: each throws an Error that says what is wrong. */

export const REPORT_FORMATS = ['text', 'json', 'sarif', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportOptions {
  format: ReportFormat;
  /** Write here (atomically) instead of to stdout. */
  out?: string;
  /** Leave out races seen fewer times. */
  minCount?: number;
  /** Epoch ms: count only lines from this time on, up to `until` (both included). */
  since?: number;
  until?: number;
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const DURATION = /^(\d+(?:\.\d+)?)(s|m|h|d|w)$/;
// ISO 8601 as people type it: a date, optionally a time, optionally an offset.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * `--since`/`--until`: an ISO 8601 date or date-time (`2025-11-26`, `2025-11-26T14:30`,
 * `2025-11-26T14:30:00Z`; without an offset, local time, a date alone being local midnight), or a
 * duration before `now` (`90s`, `30m`, `2h`, `7d`, `2w`). Epoch milliseconds, as pino's `time`.
 */
export function parseTime(value: string, now: number): number {
  const duration = DURATION.exec(value);
  if (duration) return now - Number(duration[1]) * UNIT_MS[duration[2]];
  if (ISO_TIME.test(value)) {
    // Date.parse reads a bare date as UTC midnight but a bare date-time as local time: make both local.
    const time = Date.parse(value.length === 10 ? `${value}T00:00` : value.replace(' ', 'T'));
    if (!Number.isNaN(time)) return time;
  }
  throw new Error(`'${value}' is not a time: use an ISO 8601 date or date-time (2025-11-26, 2025-11-26T14:30Z) or a duration before now (30m, 2h, 7d)`);
}

/** `--min-count`: a whole number of occurrences. */
export function parseCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new Error(`'${value}' is not a whole number`);
  return Number(value);
}
