import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../cli/usage-error';
import { RaceGrouper } from './group';
import type { GroupedReport } from './model';
import type { ReportFormat, ReportOptions } from './options';
import { describeFileError, FILE_ERROR_EXIT_CODE, readSource, resolveSources } from './read-lines';
import { createSourceReader, wantsColor, type RenderOptions } from './render-options';
import { renderText } from './text';

type Renderer = (report: GroupedReport, options: RenderOptions) => string;

/** Each format's renderer, loaded only when asked for (html and sarif are not needed by most runs). */
const RENDERERS: Record<ReportFormat, () => Renderer> = {
  text: () => renderText,
  // The contract's json shape is the grouped model itself.
  json: () => (report) => `${JSON.stringify(report, null, 2)}\n`,
  sarif: () => (require('./sarif') as typeof import('./sarif')).renderSarif,
  html: () => (require('./html') as typeof import('./html')).renderHtml,
};

function warn(message: string): void {
  process.stderr.write(`asyncrace: ${message}\n`);
}

/** Replaces `file` in one step, so a reader never sees half a report. */
function writeAtomically(file: string, text: string): void {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(temporary, text);
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw new UsageError(`cannot write ${file}: ${describeFileError(error)}`, FILE_ERROR_EXIT_CODE);
  }
}

/** Prints the report; a reader that stops early (`| head`) ends the command quietly. */
function writeToStdout(text: string, status: number): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') warn(`cannot write the report: ${describeFileError(error)}`);
    process.exit(error.code === 'EPIPE' ? status : FILE_ERROR_EXIT_CODE);
  });
  process.stdout.write(text);
}

/** Names a few ids, and how many more there are. */
function listIds(ids: string[]): string {
  const shown = 5;
  return ids.length <= shown ? ids.join(', ') : `${ids.slice(0, shown).join(', ')} and ${ids.length - shown} more`;
}

/**
 * `asyncrace report`: reads the logs `inputs` name, groups their race reports and writes the report.
 * Returns the exit status: 0, or 1 when a log broke off part-way (reported, and the report made of
 * the rest). Throws a UsageError for bad options or logs that cannot be opened, before reading.
 */
export async function runReport(inputs: string[], options: ReportOptions): Promise<number> {
  const window = { since: options.since ?? -Infinity, until: options.until ?? Infinity };
  if (window.since > window.until) throw new UsageError('--since is later than --until: no line can be in between');
  const cwd = process.cwd();
  const sources = resolveSources(inputs, cwd, Boolean(process.stdin.isTTY));
  const render = RENDERERS[options.format]();

  const grouper = new RaceGrouper(window);
  let status = 0;
  for (const source of sources) {
    try {
      await readSource(source, grouper);
    } catch (error) {
      warn(`cannot read all of ${source.name}: ${describeFileError(error)}; the report has the lines before that`);
      status = 1;
    }
  }
  const { report, countedOnly } = grouper.result(options.minCount);
  if (countedOnly.length > 0) {
    warn(`left out ${countedOnly.length === 1 ? 'race' : 'races'} ${listIds(countedOnly)}: counted, but never reported in full in these logs`);
  }

  const color = wantsColor(Boolean(process.stdout.isTTY), process.env, options.out !== undefined);
  const output = render(report, { cwd, color, sources: createSourceReader(cwd) });
  if (options.out !== undefined) writeAtomically(options.out, output);
  else writeToStdout(output, status);
  return status;
}
