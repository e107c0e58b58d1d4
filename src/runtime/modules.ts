import * as path from 'node:path';

/** One instrumented file as the runtime knows it: its name and its static site table. */
export interface ModuleSites {
  readonly file: string;
  /** Flat pairs: line, column (both 1-based) of site id i at [2i], [2i+1]. */
  readonly positions: readonly number[];
  /** `race.id` of each race already seen in this module, by its numeric key (see `raceKey`). */
  readonly raceIds: Map<number, string>;
  /** `file` as reports show it, computed at the first report. */
  shownAs?: string;
  /** Lines whose writes `asyncrace-ignore` comments suppress. */
  readonly ignoredLines?: readonly number[];
}

/** `ignoredLines` is absent from code generated before suppressions existed, and when there are none. */
export function registerModule(file: string, positions: readonly number[], ignoredLines?: readonly number[]): ModuleSites {
  return { file, positions, raceIds: new Map(), ignoredLines };
}

/** Whether an `asyncrace-ignore` comment covers the line of a site. */
export function isIgnoredSite(module: ModuleSites | undefined, site: number): boolean {
  return module?.ignoredLines?.includes(module.positions[2 * site] ?? 0) ?? false;
}

/** A path as reports show it: relative to the working directory, with `/` separators. */
export function displayPath(file: string): string {
  if (!path.isAbsolute(file)) return file.split(path.sep).join('/');
  return path.relative(process.cwd(), file).split(path.sep).join('/');
}

/** `path:line:column` of a site, in the original source. */
export function siteOf(module: ModuleSites | undefined, site: number): string {
  if (!module) return 'unknown:0:0';
  module.shownAs ??= displayPath(module.file);
  return `${module.shownAs}:${module.positions[2 * site] ?? 0}:${module.positions[2 * site + 1] ?? 0}`;
}
