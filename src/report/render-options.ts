import * as fs from 'node:fs';
import * as path from 'node:path';

/** Source lines around a site: `lines[0]` is line `first` (1-based) of `file`. */
export interface SourceExcerpt {
  /** The site's path as the report spells it (relative to the working directory, `/` separators). */
  file: string;
  first: number;
  lines: string[];
}

/** Reads the source around `path:line:col` sites, for renderers that show code next to a race. */
export interface SourceReader {
  /** Up to `context` lines either side of the site's line; undefined when the file or line is not at hand. Never throws. */
  lines(site: string, context: number): SourceExcerpt | undefined;
}

/** What every renderer (text, sarif, html) is given besides the grouped report. */
export interface RenderOptions {
  /** The directory sites are relative to. */
  cwd: string;
  /** Whether the output may carry ANSI colour (text only). */
  color: boolean;
  sources: SourceReader;
}

/** Splits `path:line:col` (a path may itself contain `:`) into its parts; undefined when it is not a site. */
export function parseSite(site: string): { file: string; line: number; column: number } | undefined {
  const match = /^(.+):(\d+):(\d+)$/.exec(site);
  if (!match) return undefined;
  return { file: match[1], line: Number(match[2]), column: Number(match[3]) };
}

/** Source files the report can be large for; a bigger one is not read whole to quote a few lines. */
const MAX_SOURCE_BYTES = 8 * 1024 * 1024;

/** A SourceReader over files under `cwd`, each read at most once. */
export function createSourceReader(cwd: string): SourceReader {
  const cache = new Map<string, string[] | undefined>();

  function fileLines(file: string): string[] | undefined {
    if (cache.has(file)) return cache.get(file);
    let lines: string[] | undefined;
    try {
      const absolute = path.resolve(cwd, file);
      if (fs.statSync(absolute).size <= MAX_SOURCE_BYTES) {
        lines = fs.readFileSync(absolute, 'utf8').replace(/\r?\n$/, '').split(/\r?\n/);
      }
    } catch {
      lines = undefined; // missing, a directory, unreadable: the report is shown without source
    }
    cache.set(file, lines);
    return lines;
  }

  return {
    lines(site, context) {
      const parsed = parseSite(site);
      if (!parsed) return undefined;
      const lines = fileLines(parsed.file);
      if (!lines || parsed.line < 1 || parsed.line > lines.length) return undefined;
      const first = Math.max(1, parsed.line - Math.max(0, context));
      const last = Math.min(lines.length, parsed.line + Math.max(0, context));
      return { file: parsed.file, first, lines: lines.slice(first - 1, last) };
    },
  };
}

/**
 * Colour is for a person at a terminal: only when stdout is a TTY, `NO_COLOR` (no-color.org) is
 * unset or empty, and the output is not being written to a file (`--out`).
 */
export function wantsColor(stdoutIsTTY: boolean, env: NodeJS.ProcessEnv, toFile: boolean): boolean {
  return stdoutIsTTY && !toFile && !env.NO_COLOR;
}
