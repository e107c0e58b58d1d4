import { ENV } from '../config';

/**
 * `dev` (the default): every race in full once per race id and once per further test that makes it,
 * one counts line at exit. `staging`, for long-running services: every race in full once per race
 * id, counts lines periodically (only when they changed) and when the process ends, a signal
 * included (see signal-flush.ts).
 */
export type Mode = 'dev' | 'staging';

export interface Settings {
  readonly mode: Mode;
  /** Staging mode: milliseconds between periodic counts lines. */
  readonly countsIntervalMs: number;
  /** The fraction of root tasks tracked (see sampling.ts). */
  readonly sample: number;
}

export const DEFAULT_SETTINGS: Settings = { mode: 'dev', countsIntervalMs: 60_000, sample: 1 };

/** The longest interval a timer takes (2^31 - 1 ms, about 24.8 days): Node fires a longer one at once. */
const MAX_INTERVAL_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

interface Rule<T> {
  valid(value: unknown): value is T;
  /** What a valid value is, in words. */
  expected: string;
}

const RULES: { mode: Rule<Mode>; countsInterval: Rule<number>; sample: Rule<number> } = {
  mode: { valid: (value): value is Mode => value === 'dev' || value === 'staging', expected: `'dev' or 'staging'` },
  countsInterval: {
    valid: (value): value is number => typeof value === 'number' && value > 0 && value <= MAX_INTERVAL_SECONDS,
    expected: `a number of seconds above 0 and at most ${MAX_INTERVAL_SECONDS}`,
  },
  sample: { valid: (value): value is number => typeof value === 'number' && value > 0 && value <= 1, expected: 'a number above 0 and at most 1' },
};

/** An environment number as written (`0.1`, `60`); anything else stays a string, which its check rejects. */
function envValue(text: string): number | string {
  return /^\s*[0-9]*\.?[0-9]+\s*$/.test(text) ? Number(text) : text;
}

/**
 * The settings the environment asks for (`ASYNCRACE_MODE`, `ASYNCRACE_COUNTS_INTERVAL`,
 * `ASYNCRACE_SAMPLE`); a variable set to a value that cannot be used is named in `problems` and
 * left at its default: a typo must not stop the service.
 */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): { settings: Settings; problems: string[] } {
  const problems: string[] = [];
  const read = <T>(variable: string, rule: Rule<T>, fallback: T, parse: (text: string) => unknown): T => {
    const text = env[variable];
    if (text === undefined || text === '') return fallback;
    const value = parse(text);
    if (rule.valid(value)) return value;
    problems.push(`${variable}=${text}: expected ${rule.expected}`);
    return fallback;
  };
  const mode = read(ENV.mode, RULES.mode, DEFAULT_SETTINGS.mode, (text) => text.trim());
  const interval = read(ENV.countsInterval, RULES.countsInterval, DEFAULT_SETTINGS.countsIntervalMs / 1000, envValue);
  const sample = read(ENV.sample, RULES.sample, DEFAULT_SETTINGS.sample, envValue);
  return { settings: { mode, countsIntervalMs: interval * 1000, sample }, problems };
}

/** What `configure()` takes besides the logger: the same settings as the environment's. */
export interface SettingsOptions {
  mode?: Mode;
  /** Seconds between periodic counts lines in staging mode. */
  countsInterval?: number;
  sample?: number;
}

/** `options` applied over `current`; a value that cannot be used throws a TypeError saying so in one line. */
export function applyOptions(current: Settings, options: SettingsOptions): Settings {
  if (typeof options !== 'object' || options === null) throw new TypeError('asyncrace.configure: options must be an object');
  const take = <T>(name: keyof SettingsOptions, rule: Rule<T>): T | undefined => {
    const value: unknown = options[name];
    if (value === undefined || rule.valid(value)) return value;
    throw new TypeError(`asyncrace.configure: ${name} must be ${rule.expected}, got ${JSON.stringify(value) ?? String(value)}`);
  };
  const interval = take('countsInterval', RULES.countsInterval);
  return {
    mode: take('mode', RULES.mode) ?? current.mode,
    countsIntervalMs: interval === undefined ? current.countsIntervalMs : interval * 1000,
    sample: take('sample', RULES.sample) ?? current.sample,
  };
}
