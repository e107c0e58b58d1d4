import { interleaving, type Lane, type Step } from '../interleaving';
import type { GroupedRace } from '../model';
import { parseSite, type SourceReader } from '../render-options';
import { html, type Markup } from './template';

/** Source lines shown either side of a site. */
const CONTEXT_LINES = 2;
/** What is marked at a site's column: the name or member chain that starts there, else one character. */
const TOKEN = /^[\p{L}\p{N}_$#]+(?:\??\.[\p{L}\p{N}_$#]+)*|^./u;

/** One source line; at the site's line, the token at its column marked. */
function sourceLine(number: number, text: string, site: { line: number; column: number }): Markup {
  if (number !== site.line) return html`<span class="line"><span class="ln">${number}</span>${text}</span>`;
  const at = site.column - 1;
  const token = at >= 0 && at < text.length ? (TOKEN.exec(text.slice(at)) ?? [''])[0] : '';
  const marked = token === '' ? html`${text}` : html`${text.slice(0, at)}<mark>${token}</mark>${text.slice(at + token.length)}`;
  return html`<span class="line hit"><span class="ln">${number}</span>${marked}</span>`;
}

/** The source around a site, when the file is at hand under the working directory. */
function excerpt(site: string, sources: SourceReader): Markup {
  const found = sources.lines(site, CONTEXT_LINES);
  const position = parseSite(site);
  if (!found || !position) return html`<p class="no-source">source not available</p>`;
  return html`<pre class="source">${found.lines.map((text, i) => sourceLine(found.first + i, text, position))}</pre>`;
}

function stack(frames: string[] | undefined): Markup | undefined {
  if (!frames || frames.length === 0) return undefined;
  return html`<details class="stack"><summary>stack (${frames.length} ${frames.length === 1 ? 'frame' : 'frames'})</summary><ol>${frames.map(
    (frame) => html`<li><code>${frame}</code></li>`,
  )}</ol></details>`;
}

function stepCell(step: Step, sources: SourceReader): Markup {
  return html`<td class="lane-${step.lane}"><div class="step ${step.what}">
<div><span class="step-title">${step.title}</span> <span class="site">${step.site}</span></div>
<p class="step-text">task ${step.task} ${step.text}</p>
${excerpt(step.site, sources)}${stack(step.stack)}
</div></td>`;
}

/** The lane a step is not in: the reading task is suspended while the other task writes. */
function idleCell(step: Step): Markup {
  if (step.what === 'intervening') return html`<td class="idle suspended"><span>suspended at the await</span></td>`;
  return html`<td class="idle"></td>`;
}

const LANES: Lane[] = ['this', 'other'];

/**
 * The race as the two tasks lived it: a column per task, a row per step in time order (read,
 * await, the other task's write, the stale write), each with the source around its site.
 */
export function timeline(race: GroupedRace, sources: SourceReader): Markup {
  const steps = interleaving(race);
  const taskOf = (lane: Lane) => steps.find((step) => step.lane === lane)?.task;
  return html`<table class="timeline">
<thead><tr><th class="order">#</th><th class="lane-this">this task (task ${taskOf('this')})</th><th class="lane-other">other task (task ${taskOf('other')})</th></tr></thead>
<tbody>
${steps.map(
  (step) => html`<tr class="lane-${step.lane}" data-step="${step.what}"><td class="order"><span class="num">${step.order}</span></td>${LANES.map((lane) =>
    lane === step.lane ? stepCell(step, sources) : idleCell(step),
  )}</tr>
`,
)}</tbody>
</table>`;
}
