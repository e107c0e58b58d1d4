import type { RaceAccess } from '../detector/race';
import type { GroupedRace, GroupedReport } from './model';
import { parseSite, type RenderOptions, type SourceReader } from './render-options';

/** Source lines shown either side of each site. */
const CONTEXT_LINES = 1;
/** Line numbers are padded to this width at least, so the excerpts of one race line up. */
const MIN_LINE_NUMBER_WIDTH = 3;
/** Longest target name the summary table shows whole. */
const TARGET_WIDTH = 40;

type Paint = (text: string) => string;

interface Palette {
  bold: Paint;
  dim: Paint;
  red: Paint;
  yellow: Paint;
  cyan: Paint;
}

const ansi = (open: number, close: number): Paint => (text) => `\x1b[${open}m${text}\x1b[${close}m`;
const COLORS: Palette = { bold: ansi(1, 22), dim: ansi(2, 22), red: ansi(31, 39), yellow: ansi(33, 39), cyan: ansi(36, 39) };
const plain: Paint = (text) => text;
const NO_COLORS: Palette = { bold: plain, dim: plain, red: plain, yellow: plain, cyan: plain };

const DESCRIPTIONS: Record<GroupedRace['kind'], string> = {
  'lost-update': 'written with a value computed from a read that went stale across an await',
  'stale-check': 'written under a condition computed from a read that went stale across an await',
};

function plural(count: number, word: string): string {
  return `${count.toLocaleString('en-US')} ${word}${count === 1 ? '' : 's'}`;
}

function time(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

function headline(report: GroupedReport, paint: Palette): string {
  const skipped = report.skipped > 0 ? ` (${plural(report.skipped, 'line')} skipped: not JSON, or not a race report)` : '';
  if (report.races.length === 0) return `${paint.bold('asyncrace report: no races')}${skipped}`;
  const occurrences = report.races.reduce((sum, race) => sum + race.count, 0);
  const hosts = new Set(report.races.flatMap((race) => race.hosts));
  return `${paint.bold(`asyncrace report: ${plural(report.races.length, 'race')}, ${plural(occurrences, 'occurrence')}`)} on ${plural(hosts.size, 'host')}${skipped}`;
}

/** One row per race: count, kind, target, where the stale write is, id. */
function summaryTable(races: GroupedRace[], paint: Palette): string[] {
  const header = ['count', 'kind', 'target', 'write', 'race'];
  const rows = races.map((race) => [race.count.toLocaleString('en-US'), race.kind, truncate(race.target.name, TARGET_WIDTH), race.write.site, race.id]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const format = (cells: string[]) =>
    `  ${cells.map((cell, column) => (column === 0 ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))).join('  ')}`.trimEnd();
  return [paint.dim(format(header)), ...rows.map(format)];
}

/** The source around a site, its line marked and a caret under its column. */
function excerpt(site: string, sources: SourceReader, paint: Palette): string[] {
  const found = sources.lines(site, CONTEXT_LINES);
  const position = parseSite(site);
  if (!found || !position) return [];
  const width = Math.max(MIN_LINE_NUMBER_WIDTH, String(found.first + found.lines.length - 1).length);
  const out: string[] = [];
  found.lines.forEach((text, i) => {
    const number = found.first + i;
    const gutter = `${number === position.line ? '>' : ' '} ${String(number).padStart(width)} | `;
    if (number !== position.line) {
      out.push(paint.dim(`      ${gutter}${text}`));
      return;
    }
    out.push(`      ${gutter}${text}`);
    out.push(`      ${' '.repeat(width + 2)} | ${' '.repeat(Math.max(0, position.column - 1))}${paint.red('^')}`);
  });
  return out;
}

function siteLines(label: string, site: string, accessInfo: RaceAccess | undefined, options: RenderOptions, paint: Palette): string[] {
  const task = accessInfo ? ` (task ${accessInfo.task})` : '';
  const lines = [`    ${label} ${paint.cyan(site)}${task}`, ...excerpt(site, options.sources, paint)];
  for (const frame of accessInfo?.stack ?? []) lines.push(paint.dim(`        at ${frame}`));
  return lines;
}

function raceSection(race: GroupedRace, options: RenderOptions, paint: Palette): string[] {
  const kind = race.kind === 'lost-update' ? paint.red(race.kind) : paint.yellow(race.kind);
  const declared = race.target.declared ? `, declared at ${race.target.declared}` : '';
  const seen = race.firstSeen === race.lastSeen ? `seen ${time(race.firstSeen)}` : `first seen ${time(race.firstSeen)}, last seen ${time(race.lastSeen)}`;
  const lines = [
    `${paint.bold(kind)} ${paint.bold(`on ${race.target.name}`)} ${paint.dim(`(${race.target.type}${declared})`)}  race ${race.id}`,
    `  ${race.target.name} ${DESCRIPTIONS[race.kind]}.`,
    `  ${plural(race.count, 'occurrence')}, ${seen}`,
    `  ${race.hosts.length === 1 ? 'host' : 'hosts'}: ${race.hosts.join(', ')}; ${race.pids.length === 1 ? 'pid' : 'pids'}: ${race.pids.join(', ')}`,
  ];
  race.tests.forEach((test, i) => {
    const label = i > 0 ? '' : race.tests.length === 1 ? 'test:' : 'tests:';
    lines.push(`  ${label.padEnd('tests:'.length)} ${test.file}  ${test.name}`);
  });
  lines.push(
    ...siteLines('read         ', race.read.site, race.read, options, paint),
    ...siteLines('await        ', race.await.site, undefined, options, paint),
    ...siteLines('other write  ', race.intervening.site, race.intervening, options, paint),
    ...siteLines('stale write  ', race.write.site, race.write, options, paint),
  );
  return lines;
}

/** The report for a person: a headline, a summary table, then each race with the source around its sites. */
export function renderText(report: GroupedReport, options: RenderOptions): string {
  const paint = options.color ? COLORS : NO_COLORS;
  const blocks = [[headline(report, paint)]];
  if (report.races.length > 0) {
    blocks.push(summaryTable(report.races, paint));
    for (const race of report.races) blocks.push(raceSection(race, options, paint));
  }
  return `${blocks.map((block) => block.join('\n')).join('\n\n')}\n`;
}
