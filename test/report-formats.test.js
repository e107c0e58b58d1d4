'use strict';
// Issue 6's acceptance for `asyncrace report`: logs written by several processes of the fixture
// service (under `asyncrace run --mode staging`, driven with concurrent requests, stopped with
// SIGTERM), an app that reports into its own pino logger, and a node:test run, piled up with other
// programs' pino lines and garbage, one process moved to another host and one file gzipped, give
// the same grouped result in every format: the same races with the same kind, target, sites, count,
// hosts, pids and tests, and the same skipped lines. The SARIF validates against the official
// schema; the HTML page loads in Chromium with no error and no request, and shows every race.
const assert = require('node:assert/strict');
const { execFile, spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { promisify } = require('node:util');
const zlib = require('node:zlib');
const { after, before, test } = require('node:test');
const { launchChromium, openOffline, saveScreenshot } = require('./helpers/browser');
const { get, listeningPort } = require('./helpers/http');
const { parseReportLines, readReportLines } = require('./helpers/report');
const { asyncrace, cleanEnv, tempDir, CLI, REPO } = require('./helpers/run');
const { assertValidSarif } = require('./helpers/sarif');

const SERVICE = path.join('fixtures', 'staging-service');
const SERVICES = 3;
/** What server.js counts itself, by the target its racy handlers write. */
const COUNTED_AS = { hits: 'lostHits', 'perUser.get(user)': 'lostPerUser' };
/** Each burst: concurrent requests over their own connections, racy and safe ones in turn. */
const PATHS = ['/hit', '/visit?user=ann', '/safe', '/hit', '/visit?user=bob', '/visit?user=ann'];
const BURSTS = 6;
const BURST_SIZE = 12;
/** The host one service's lines are moved to, so grouping spans hosts. */
const OTHER_HOST = 'staging-2';
/** `asyncrace report` skips a line longer than this (MAX_LINE_BYTES in src/report/read-lines.ts). */
const MAX_LINE_BYTES = 1024 * 1024;

/**
 * One process of the fixture service under `asyncrace run --mode staging`, its reports to `log`:
 * started, driven with bursts of concurrent requests, asked for its own counts, stopped with
 * SIGTERM (its final counts line). Resolves to what the service counted itself.
 */
async function serviceRun(log) {
  const args = [CLI, 'run', '--mode', 'staging', '--counts-interval', '0.1', '--log', log, '--', process.execPath, path.join(SERVICE, 'server.js')];
  const service = spawn(process.execPath, args, { cwd: REPO, env: cleanEnv() });
  let stderr = '';
  service.stderr.on('data', (data) => (stderr += data));
  const exited = new Promise((resolve) => service.on('close', (code, signal) => resolve({ code, signal })));
  const agent = new http.Agent({ keepAlive: true, maxSockets: BURST_SIZE });
  try {
    const port = await listeningPort(service);
    for (let burst = 0; burst < BURSTS; burst++) {
      await Promise.all(Array.from({ length: BURST_SIZE }, (_, i) => get(agent, port, PATHS[(burst + i) % PATHS.length])));
      // Halfway, a pause longer than the counts interval: a periodic counts line between the bursts.
      if (burst === BURSTS / 2 - 1) await new Promise((resolve) => setTimeout(resolve, 150));
    }
    const counted = JSON.parse(await get(agent, port, '/stats'));
    service.kill('SIGTERM');
    const exit = await exited;
    assert.equal(exit.code, 128 + 15, `the service died of SIGTERM: ${JSON.stringify(exit)}\n${stderr}`);
    return counted;
  } finally {
    agent.destroy();
    // After a failure: `asyncrace run` passes SIGTERM on to the service, so neither is left behind.
    if (service.exitCode === null && service.signalCode === null) service.kill('SIGTERM');
  }
}

/** `asyncrace run <args>` from the repository root, without blocking the other runs. */
function runUnder(args) {
  return promisify(execFile)(process.execPath, [CLI, 'run', ...args], { cwd: REPO, env: cleanEnv(), timeout: 60_000 });
}

/** Another program's pino line. */
function otherLine(fields) {
  return JSON.stringify({ level: 30, time: Date.now(), pid: 4242, hostname: 'billing-1', name: 'billing', ...fields });
}

/** Other programs' lines, some with a `race` or `counts` key of their own: none is asyncrace's. */
const OTHER_PROGRAMS = [
  otherLine({ msg: 'listening on :8080' }),
  otherLine({ level: 50, msg: 'payment declined', err: { type: 'Error', message: 'card expired' } }),
  otherLine({ msg: 'race results are in', race: 'derby' }),
  otherLine({ msg: 'lap recorded', race: { id: 'derby-2025', lap: 3 } }),
  otherLine({ level: 40, msg: 'no race today', race: null }),
  otherLine({ msg: 'requests served', counts: { requests: 120, errors: 3 } }),
  otherLine({ msg: 'histogram', counts: [1, 2, 3] }),
  otherLine({ level: 50, msg: 'race counts', counts: { races: { derby: 'many' }, suppressed: 0 } }),
];

/** Not JSON, broken JSON (a truncated report of asyncrace's among them), an empty line, lines too long to keep. */
function garbage(reportLine) {
  return [
    'plain text a program printed',
    '    at main (/srv/app.js:3:9)',
    '{"level":40,"time":17640',
    reportLine.slice(0, Math.floor(reportLine.length / 2)),
    '',
    `{"level":30,"name":"billing","msg":"${'x'.repeat(MAX_LINE_BYTES)}"}`,
    `race ${'counts '.repeat(40_000)}`,
  ];
}

/** `ours` lines with `others` spread among them: a log as a shared stdout or file would hold it. */
function mix(ours, others) {
  const lines = ours.map((text) => ({ text, ours: true }));
  // From the last, so that the places worked out on `ours` still hold.
  for (let i = others.length - 1; i >= 0; i--) lines.splice(Math.round(((i + 1) * ours.length) / (others.length + 1)), 0, { text: others[i], ours: false });
  return lines;
}

/** A log file's lines, each asyncrace's (a valid CONTRACT.md line named asyncrace) or not. */
function logLines(file) {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((text) => text !== '')
    .map((text) => ({ text, ours: JSON.parse(text).name === 'asyncrace' }));
}

/** Writes a pile file; a `.gz` name is gzipped. */
function writePile(file, lines) {
  const text = `${lines.map((line) => line.text).join('\n')}\n`;
  fs.writeFileSync(file, file.endsWith('.gz') ? zlib.gzipSync(text) : text);
}

const byCountThenId = (a, b) => b.count - a.count || (a.id < b.id ? -1 : 1);
const iso = (epochMs) => new Date(epochMs).toISOString();

/**
 * The grouped result, from the asyncrace lines of the pile and what each process counted itself:
 * a race's kind, target and sites from its reports (the same in every report of one id), its
 * hosts, pids and tests from the reports, its count the sum of `countOf(race, process)` over the
 * processes (hostname + pid) that reported it.
 */
function expectedRaces(lines, countOf) {
  const races = new Map();
  for (const line of lines) {
    if (!line.race) continue;
    const { id, kind, target, read, write, test: made } = line.race;
    let race = races.get(id);
    if (!race) races.set(id, (race = { id, kind, target, read: read.site, write: write.site, processes: new Map(), tests: new Map() }));
    race.processes.set(`${line.hostname}\0${line.pid}`, { hostname: line.hostname, pid: line.pid });
    if (made) race.tests.set(`${made.file}\0${made.name}`, made);
  }
  return [...races.values()]
    .map(({ processes, tests, ...race }) => ({
      ...race,
      count: [...processes.values()].reduce((sum, process) => sum + countOf(race, process), 0),
      hosts: [...new Set([...processes.values()].map((process) => process.hostname))].sort(),
      pids: [...new Set([...processes.values()].map((process) => process.pid))].sort((a, b) => a - b),
      tests: [...tests.values()].sort((a, b) => (a.file + a.name < b.file + b.name ? -1 : 1)),
    }))
    .sort(byCountThenId);
}

/** What every format is compared on. */
function comparable({ id, kind, target, read, write, count, hosts, pids, tests, firstSeen, lastSeen }) {
  return { id, kind, target, read, write, count, hosts, pids, tests, firstSeen, lastSeen };
}

// --- reading each format back ---

function fromJson(report) {
  return {
    skipped: report.skipped,
    races: report.races.map((race) =>
      comparable({ ...race, read: race.read.site, write: race.write.site, firstSeen: iso(race.firstSeen), lastSeen: iso(race.lastSeen) }),
    ),
  };
}

const TEXT_HEADER = /^(lost-update|stale-check) on (.+) \(([a-z-]+)(?:, declared at (\S+))?\)  race (\S+)$/;
const TEXT_SITE = /^    (read|await|other write|stale write) +(\S+)/;
const number = (text) => Number(text.replaceAll(',', ''));

/** The summary table of text: its rows as cells, cut at the columns its header line sets out. */
function textTable(lines) {
  const header = lines.findIndex((line) => /^\s+count  kind  /.test(line));
  const starts = [...lines[header].matchAll(/\S+/g)].map((match) => match.index);
  starts[0] = 0;
  const rows = [];
  for (const line of lines.slice(header + 1)) {
    if (line.trim() === '') break;
    const cells = starts.map((start, i) => line.slice(start, starts[i + 1]).trim());
    rows.push({ count: number(cells[0]), kind: cells[1], target: cells[2], write: cells[3], id: cells[4] });
  }
  return rows;
}

/** `--format text` read as a person reads it: the headline, the summary table, each race's section. */
function fromText(text) {
  const lines = text.split('\n');
  const headline = /^asyncrace report: ([\d,]+) races?, ([\d,]+) occurrences? on ([\d,]+) hosts?(?: \(([\d,]+) lines? skipped)?/.exec(lines[0]);
  assert.ok(headline, `a headline: ${lines[0]}`);
  const races = [];
  let race;
  let inTests = false;
  for (const line of lines) {
    const header = TEXT_HEADER.exec(line);
    if (header) {
      const [, kind, name, type, declared, id] = header;
      race = { id, kind, target: declared ? { name, type, declared } : { name, type }, tests: [] };
      races.push(race);
      continue;
    }
    if (!race) continue;
    const occurrences = /^  ([\d,]+) occurrences?, (?:seen (\S+)|first seen (\S+), last seen (\S+))$/.exec(line);
    const origin = /^  hosts?: (.*); pids?: (.*)$/.exec(line);
    const site = TEXT_SITE.exec(line);
    if (occurrences) {
      race.count = number(occurrences[1]);
      race.firstSeen = occurrences[2] ?? occurrences[3];
      race.lastSeen = occurrences[2] ?? occurrences[4];
    } else if (origin) {
      race.hosts = origin[1].split(', ');
      race.pids = origin[2].split(', ').map(Number);
      inTests = true;
    } else if (site) {
      inTests = false;
      if (site[1] === 'read') race.read = site[2];
      if (site[1] === 'stale write') race.write = site[2];
    } else if (inTests) {
      // `  test:  file  name`, `  tests: file  name`, then `         file  name` for each further test.
      const made = /^  (?:tests?:)? +(\S(?:.*?\S)?)  (.+)$/.exec(line);
      assert.ok(made, `a test line: ${line}`);
      race.tests.push({ file: made[1], name: made[2] });
    }
  }
  return {
    skipped: headline[4] === undefined ? 0 : number(headline[4]),
    headline: { races: number(headline[1]), occurrences: number(headline[2]), hosts: number(headline[3]) },
    table: textTable(lines),
    races: races.map(comparable),
  };
}

/** A SARIF physical location back as the `path:line:col` site it was made from. */
function sarifSite({ physicalLocation: { artifactLocation, region } }) {
  return `${decodeURIComponent(artifactLocation.uri)}:${region.startLine}:${region.startColumn}`;
}

function fromSarif(sarif) {
  const [run] = sarif.runs;
  return {
    skipped: run.properties.skippedLines,
    races: run.results.map((result) => {
      const { raceId, count, target, hosts, pids, tests, firstSeen, lastSeen } = result.properties;
      assert.equal(result.occurrenceCount, count, raceId);
      const read = result.relatedLocations.find((related) => related.message.text.startsWith('read:'));
      const [write] = result.locations;
      return comparable({ id: raceId, kind: result.ruleId, target, read: sarifSite(read), write: sarifSite(write), count, hosts, pids, tests, firstSeen, lastSeen });
    }),
  };
}

/** The page, read in the browser: the headline, the summary table, and each race's section. */
function readPage(page) {
  return page.evaluate(() => {
    const text = (node) => node?.textContent ?? null;
    const list = (node) => (node ? node.querySelector('b').textContent.split(', ') : []);
    return {
      skipped: Number(document.querySelector('.headline').dataset.skipped),
      table: [...document.querySelectorAll('table.summary tbody tr')].map((row) => ({
        id: row.dataset.raceId,
        count: Number(row.dataset.count),
        shown: row.cells[2].textContent,
        target: text(row.querySelector('.target code')),
      })),
      races: [...document.querySelectorAll('section.race')].map((section) => {
        const [type] = text(section.querySelector('h2 .id')).split(' · ');
        const declared = text(section.querySelector('.facts .declared b'));
        const times = [...section.querySelectorAll('.facts time')].map((time) => time.getAttribute('datetime'));
        const step = (what) => text(section.querySelector(`tr[data-step="${what}"] .step .site`));
        return {
          id: section.dataset.raceId,
          kind: ['lost-update', 'stale-check'].find((kind) => section.querySelector('h2 .badge').classList.contains(kind)),
          target: { name: text(section.querySelector('h2 code')), type, ...(declared === null ? {} : { declared }) },
          read: step('read'),
          write: step('write'),
          count: Number(section.dataset.count),
          shown: text(section.querySelector('.facts .count')),
          hosts: list(section.querySelector('.facts .hosts')),
          pids: list(section.querySelector('.facts .pids')).map(Number),
          tests: [...section.querySelectorAll('.tests-list li')].map((item) => {
            const file = item.querySelector('code').textContent;
            return { file, name: item.textContent.slice(`${file} › `.length) };
          }),
          firstSeen: times[0],
          lastSeen: times.at(-1),
        };
      }),
    };
  });
}

// --- the pile, the reports ---

/** Each service process: where its lines say it ran, what it counted itself, its report lines. */
let services;
let pile;
let expected;
let reports;
let browser;
let page;
let problems;

before(async () => {
  const dir = tempDir('asyncrace-formats-');
  const serviceLogs = Array.from({ length: SERVICES }, (_, i) => path.join(dir, `service-${i}.ndjson`));
  const appLog = path.join(dir, 'app-own.ndjson');
  const testsLog = path.join(dir, 'tests.ndjson');
  let counted;
  [counted, browser] = await Promise.all([
    Promise.all(serviceLogs.map(serviceRun)),
    launchChromium(),
    // The app's own logger gets the reports, among its own lines (its `asyncrace.configure` puts it in staging mode).
    runUnder(['--', process.execPath, path.join(SERVICE, 'app-logger.js'), appLog]),
    // Races made by tests carry the test's name: every format that shows tests must show the same.
    runUnder(['--log', testsLog, '--', process.execPath, '--test', path.join('fixtures', 'node-test', 'bank.test.js')]),
  ]);

  services = serviceLogs.map((log, i) => {
    const lines = readReportLines(log);
    // One service's lines come from another host, as if its log had been shipped from there.
    if (i === 1) for (const line of lines) line.hostname = OTHER_HOST;
    return { hostname: lines[0].hostname, pid: lines[0].pid, counted: counted[i], lines };
  });
  const texts = (lines) => lines.map((line) => JSON.stringify(line));
  const files = {
    'service-0.ndjson': mix(texts(services[0].lines), OTHER_PROGRAMS),
    'service-1.ndjson': mix(texts(services[1].lines), garbage(JSON.stringify(services[0].lines.find((line) => line.race)))),
    'service-2.ndjson.gz': mix(texts(services[2].lines), OTHER_PROGRAMS.slice(0, 3)),
    'app-own.ndjson': logLines(appLog),
    'tests.ndjson': mix(texts(readReportLines(testsLog)), OTHER_PROGRAMS.slice(3)),
  };
  fs.mkdirSync(path.join(dir, 'pile'));
  pile = { files: Object.keys(files).map((name) => path.join(dir, 'pile', name)), lines: Object.values(files).flat() };
  Object.values(files).forEach((lines, i) => writePile(pile.files[i], lines));

  const reportLines = parseReportLines(pile.lines.filter((line) => line.ours).map((line) => line.text).join('\n'));
  // What a process counted itself: the service its own tally (/stats), any other its exit counts line (its last).
  const exitCounts = new Map(reportLines.filter((line) => line.counts).map((line) => [`${line.hostname}\0${line.pid}`, line.counts.races]));
  const serviceAt = ({ hostname, pid }) => services.find((service) => service.hostname === hostname && service.pid === pid);
  expected = {
    skipped: pile.lines.filter((line) => !line.ours && line.text !== '').length,
    races: expectedRaces(reportLines, (race, origin) =>
      serviceAt(origin) ? serviceAt(origin).counted[COUNTED_AS[race.target.name]] : exitCounts.get(`${origin.hostname}\0${origin.pid}`)[race.id],
    ),
  };

  reports = {};
  for (const format of ['json', 'text', 'sarif']) {
    const result = asyncrace(['report', '--format', format, ...pile.files], { cwd: REPO });
    assert.deepEqual({ status: result.status, stderr: result.stderr }, { status: 0, stderr: '' }, `--format ${format}`);
    reports[format] = result.stdout;
  }
  const html = path.join(dir, 'report.html');
  const result = asyncrace(['report', '--format', 'html', '--out', html, ...pile.files], { cwd: REPO });
  assert.deepEqual({ status: result.status, stdout: result.stdout, stderr: result.stderr }, { status: 0, stdout: '', stderr: '' }, '--format html');
  ({ page, problems } = await openOffline(browser, html, { width: 1400, height: 1000 }));
});

after(async () => {
  await browser?.close();
});

test('the pile: three service processes, on two hosts, each made both races and counted them as the service did; other lines among them', () => {
  for (const { counted, lines } of services) {
    assert.ok(counted.instrumented && counted.lostHits > 0 && counted.lostPerUser > 0, `each service process made both races: ${JSON.stringify(counted)}`);
    const ids = Object.fromEntries(lines.filter((line) => line.race).map(({ race }) => [COUNTED_AS[race.target.name], race.id]));
    const exit = lines.at(-1);
    assert.deepEqual(
      exit.counts?.races,
      { [ids.lostHits]: counted.lostHits, [ids.lostPerUser]: counted.lostPerUser },
      'its exit counts line is last, and counts what the service counted',
    );
    assert.ok(lines.filter((line) => line.counts).length > 1, 'periodic counts lines before the exit one');
  }
  const serviceRaces = expected.races.filter((race) => race.target.name in COUNTED_AS);
  assert.deepEqual(serviceRaces.map((race) => race.target.name).sort(), Object.keys(COUNTED_AS).sort());
  for (const race of serviceRaces) {
    assert.deepEqual(race.pids, services.map((service) => service.pid).sort((a, b) => a - b), race.target.name);
    assert.deepEqual(race.hosts, [...new Set(services.map((service) => service.hostname))].sort(), race.target.name);
    assert.equal(race.hosts.length, 2);
  }
  assert.ok(expected.races.some((race) => race.target.name === 'balance' && race.count === 2), "the app's own logger: 3 concurrent credits, 2 lost");
  assert.ok(expected.races.some((race) => race.tests.length === 2), 'a race made by two tests');
  assert.ok(expected.skipped > OTHER_PROGRAMS.length * 2, `other lines to skip: ${expected.skipped}`);
});

test('json: the grouped races, counted as the processes counted them, and every other line skipped', () => {
  const json = fromJson(JSON.parse(reports.json));
  assert.equal(json.skipped, expected.skipped);
  assert.deepEqual(
    json.races.map(({ firstSeen, lastSeen, ...race }) => race),
    expected.races.map(({ id, kind, target, read, write, count, hosts, pids, tests }) => ({ id, kind, target, read, write, count, hosts, pids, tests })),
  );
  for (const race of json.races) assert.ok(race.firstSeen <= race.lastSeen, race.id);
});

test('text: the same races, counts, sites, hosts, pids and tests as json, and the same skipped lines', () => {
  const json = fromJson(JSON.parse(reports.json));
  const text = fromText(reports.text);
  assert.equal(text.skipped, json.skipped);
  assert.deepEqual(text.races, json.races);
  assert.deepEqual(text.headline, {
    races: json.races.length,
    occurrences: json.races.reduce((sum, race) => sum + race.count, 0),
    hosts: new Set(json.races.flatMap((race) => race.hosts)).size,
  });
  assert.deepEqual(
    text.table,
    json.races.map(({ count, kind, target, write, id }) => ({ count, kind, target: target.name, write, id })),
    'the summary table lists them too, in the same order',
  );
});

test('sarif: valid against the official 2.1.0 schema, one result per race with the same kind, target, sites and count', () => {
  const sarif = JSON.parse(reports.sarif);
  assertValidSarif(sarif);
  const json = fromJson(JSON.parse(reports.json));
  assert.deepEqual(fromSarif(sarif), json);
});

test('html: loads in Chromium with no error and no request, and shows every race with its count, as json does', async () => {
  assert.deepEqual(problems, { console: [], pageErrors: [], requests: [] });
  const json = fromJson(JSON.parse(reports.json));
  const shown = await readPage(page);
  assert.equal(shown.skipped, json.skipped);
  assert.deepEqual(
    shown.races.map(({ shown: count, ...race }) => race),
    json.races,
  );
  for (const race of shown.races) assert.equal(race.shown, `${race.count.toLocaleString('en-US')} occurrence${race.count === 1 ? '' : 's'}`);
  assert.deepEqual(
    shown.table,
    json.races.map(({ id, count, target }) => ({ id, count, shown: count.toLocaleString('en-US'), target: target.name })),
    'the summary table lists every race with its count',
  );
  const screenshot = await saveScreenshot(page, 'report-formats.png');
  assert.ok(fs.statSync(screenshot).size > 10_000);
});
