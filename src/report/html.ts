import { SCRIPT } from './html/script';
import { STYLE } from './html/style';
import { html, Markup } from './html/template';
import { timeline } from './html/timeline';
import type { GroupedRace, GroupedReport } from './model';
import type { RenderOptions } from './render-options';

const KIND_TITLES: Record<GroupedRace['kind'], string> = { 'lost-update': 'lost update', 'stale-check': 'stale check' };

const EXPLANATIONS: Record<GroupedRace['kind'], string> = {
  'lost-update': 'was written with a value computed from a read that went stale across an await: another task wrote it in between, and that write was lost.',
  'stale-check': 'was written under a condition computed from a read that went stale across an await: another task wrote it in between, so the check no longer held.',
};

/** Lists longer than this show their first items and how many more (the race's own section has them all). */
const SHOWN_IN_TABLE = 3;

// No network, ever: the page may only use what it carries inline.
const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'";

function plural(count: number, word: string): string {
  return `${count.toLocaleString('en-US')} ${word}${count === 1 ? '' : 's'}`;
}

/** `2025-11-26 14:30:05Z`, the instant in UTC, in a `<time>` element that may break between date and time only. */
function time(epochMs: number): Markup {
  const iso = new Date(epochMs).toISOString();
  const [date, clock] = iso.replace(/\.\d+Z$/, 'Z').split('T');
  return html`<time datetime="${iso}"><span>${date}</span> <span>${clock}</span></time>`;
}

function firstFew(items: string[]): string {
  if (items.length <= SHOWN_IN_TABLE) return items.join(', ');
  return `${items.slice(0, SHOWN_IN_TABLE).join(', ')} and ${items.length - SHOWN_IN_TABLE} more`;
}

function testName(test: GroupedRace['tests'][number]): string {
  return `${test.file} › ${test.name}`;
}

/** A path that a narrow column may wrap after its slashes only. */
function breakableAtSlashes(site: string): Markup[] {
  return site.split('/').map((part, i) => (i === 0 ? html`<span>${part}</span>` : html`/<wbr><span>${part}</span>`));
}

/** The anchor of a race's section. */
function anchor(race: GroupedRace): string {
  return `race-${race.id}`;
}

function badge(race: GroupedRace): Markup {
  return html`<span class="badge ${race.kind}">${KIND_TITLES[race.kind]}</span>`;
}

function headline(report: GroupedReport): Markup {
  const skipped = report.skipped > 0 ? `; ${plural(report.skipped, 'log line')} skipped (not JSON, or not asyncrace's)` : '';
  if (report.races.length === 0) return html`<p class="headline" data-skipped="${report.skipped}"><strong>No races</strong> in these logs${skipped}.</p>`;
  const occurrences = report.races.reduce((sum, race) => sum + race.count, 0);
  const hosts = new Set(report.races.flatMap((race) => race.hosts)).size;
  return html`<p class="headline" data-skipped="${report.skipped}"><strong>${plural(report.races.length, 'race')}</strong>, ${plural(occurrences, 'occurrence')}, on ${plural(hosts, 'host')}${skipped}.</p>`;
}

/** `data-race-id` and `data-count` (on rows and sections) let a script or a test read the page without parsing its text. */
function summaryRow(race: GroupedRace): Markup {
  return html`<tr data-race-id="${race.id}" data-count="${race.count}">
<td>${badge(race)}</td>
<td class="wrap target-cell"><a class="target" href="#${anchor(race)}"><code>${race.target.name}</code></a><br><span class="muted">${race.target.type} · ${race.id}</span></td>
<td class="number" data-sort="${race.count}">${race.count.toLocaleString('en-US')}</td>
<td class="wrap" data-sort="${race.firstSeen}">${time(race.firstSeen)}</td>
<td class="wrap" data-sort="${race.lastSeen}">${time(race.lastSeen)}</td>
<td>${firstFew(race.hosts)}</td>
<td>${firstFew(race.pids.map(String))}</td>
<td class="wrap tests">${race.tests.length === 0 ? html`<span class="muted">none</span>` : firstFew(race.tests.map(testName))}</td>
<td class="wrap"><code class="site">${breakableAtSlashes(race.write.site)}</code></td>
</tr>
`;
}

function summaryTable(races: GroupedRace[]): Markup {
  const columns = ['kind', 'target', 'count', 'first seen', 'last seen', 'hosts', 'pids', 'tests', 'stale write'];
  return html`<div class="panel summary-panel"><table class="summary sortable">
<thead><tr>${columns.map((column) => html`<th scope="col">${column}</th>`)}</tr></thead>
<tbody>
${races.map(summaryRow)}</tbody>
</table></div>`;
}

function facts(race: GroupedRace): Markup {
  const seen =
    race.firstSeen === race.lastSeen
      ? html`<span>seen <b>${time(race.firstSeen)}</b></span>`
      : html`<span>first seen <b>${time(race.firstSeen)}</b></span><span>last seen <b>${time(race.lastSeen)}</b></span>`;
  const hosts = html`<span class="hosts">${race.hosts.length === 1 ? 'host' : 'hosts'} <b>${race.hosts.join(', ')}</b></span>`;
  const pids = html`<span class="pids">${race.pids.length === 1 ? 'pid' : 'pids'} <b>${race.pids.join(', ')}</b></span>`;
  const declared = race.target.declared && html`<span class="declared">declared at <b class="site">${race.target.declared}</b></span>`;
  return html`<p class="facts"><span class="count"><b>${plural(race.count, 'occurrence')}</b></span>${seen}${hosts}${pids}${declared}</p>`;
}

function tests(race: GroupedRace): Markup | undefined {
  if (race.tests.length === 0) return undefined;
  return html`<ul class="tests-list">${race.tests.map((test) => html`<li><code>${test.file}</code> › ${test.name}</li>`)}</ul>`;
}

function raceSection(race: GroupedRace, options: RenderOptions): Markup {
  return html`<section class="panel race" id="${anchor(race)}" data-race-id="${race.id}" data-count="${race.count}">
<div class="race-head">
<h2>${badge(race)}<code>${race.target.name}</code><span class="id muted">${race.target.type} · race ${race.id}</span></h2>
${facts(race)}
<p class="explain"><code>${race.target.name}</code> ${EXPLANATIONS[race.kind]}</p>
${tests(race)}
</div>
${timeline(race, options.sources)}
</section>
`;
}

/** `asyncrace report --format html`: one self-contained page (inline style and script, no network). */
export function renderHtml(report: GroupedReport, options: RenderOptions): string {
  const title = report.races.length === 0 ? 'asyncrace report: no races' : `asyncrace report: ${plural(report.races.length, 'race')}`;
  const body =
    report.races.length === 0
      ? html`<div class="panel empty">No race reports in these logs.</div>`
      : html`${summaryTable(report.races)}
${report.races.map((race) => raceSection(race, options))}`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<title>${title}</title>
<style>${new Markup(STYLE)}</style>
</head>
<body>
<header>
<h1>asyncrace report</h1>
${headline(report)}
</header>
<main>
${body}
</main>
<footer>Made by <code>asyncrace report</code>.</footer>
<script>${new Markup(SCRIPT)}</script>
</body>
</html>
`.text;
}
