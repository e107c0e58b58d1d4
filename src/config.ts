/**
 * The environment every entry point reads (register, and later the test-runner integrations), so
 * `asyncrace run --log F` and `ASYNCRACE_LOG=F node -r asyncrace/register` mean the same.
 */
export const ENV = {
  /** Where reports go: `stderr` (default), `stdout`, or a file path appended to. */
  log: 'ASYNCRACE_LOG',
  /** Set by `asyncrace run --fail-on-race`: a file each process appends its pid to once it reports a race. */
  raceFlagFile: 'ASYNCRACE_RACE_FLAG_FILE',
} as const;

export type LogTarget = { kind: 'fd'; fd: 1 | 2 } | { kind: 'file'; path: string };

export function parseLogTarget(value: string | undefined): LogTarget {
  if (value === undefined || value === '' || value === 'stderr') return { kind: 'fd', fd: 2 };
  if (value === 'stdout') return { kind: 'fd', fd: 1 };
  return { kind: 'file', path: value };
}
