'use strict';
// `asyncrace report`: logs in (files, globs, stdin, .gz, garbage), races grouped by id out.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { test } = require('node:test');
const { asyncrace, tempDir, REPO } = require('./helpers/run');
const { readReportLines } = require('./helpers/report');
const { raceLogLines } = require('./helpers/race-logs');
const { RaceGrouper } = require('../dist/src/report/group');
const { LineSplitter, resolveSources } = require('../dist/src/report/read-lines');
const { parseTime } = require('../dist/src/report/options');
const { createSourceReader, wantsColor } = require('../dist/src/report/render-options');
const { renderText } = require('../dist/src/report/text');
const { writeSyntheticLog } = require('../bench/report');

const T0 = Date.UTC(2025, 10, 26, 10, 0, 0);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A race report line as asyncrace writes it (sites of fixtures/credit-2/app.js). */
function raceLine(id, { host = 'h1', pid = 1, time = T0, threadId, test: testInfo, kind = 'lost-update' } = {}) {
  const site = (line, column) => `fixtures/credit-2/app.js:${line}:${column}`;
  const race = {
    id,
    kind,
    target: { name: 'balance', type: 'variable', declared: site(2, 5) },
    read: { site: site(7, 19), version: 0, task: 3 },
    await: { site: site(8, 3) },
    intervening: { site: site(9, 3), version: 1, task: 2 },
    write: { site: site(9, 3), version: 2, task: 3 },
  };
  if (testInfo) race.test = testInfo;
  const line = { level: 40, time, pid, hostname: host, name: 'asyncrace', race, msg: `lost update: balance (${id})` };
  if (threadId !== undefined) line.threadId = threadId;
  return JSON.stringify(line);
}

function countsLine(races, { host = 'h1', pid = 1, time = T0, threadId } = {}) {
  const line = { level: 30, time, pid, hostname: host, name: 'asyncrace', counts: { races, suppressed: 0 }, msg: 'asyncrace counts' };
  if (threadId !== undefined) line.threadId = threadId;
  return JSON.stringify(line);
}

function group(lines, { window, minCount } = {}) {
  const grouper = new RaceGrouper(window);
  for (const line of lines) grouper.line(line);
  return grouper.result(minCount);
}

/** What a test compares of a grouped race. */
const brief = ({ id, count, hosts, pids, tests, firstSeen, lastSeen }) => ({ id, count, hosts, pids, tests, firstSeen, lastSeen });

const A = 'aaaaaaaaaaaa';
const B = 'bbbbbbbbbbbb';

const GROUPING_CASES = [
  {
    name: 'full reports are summed over processes and hosts',
    lines: [raceLine(A, { host: 'h1', pid: 1 }), raceLine(A, { host: 'h1', pid: 2, time: T0 + 5 }), raceLine(A, { host: 'h2', pid: 1, time: T0 + 9 })],
    races: [{ id: A, count: 3, hosts: ['h1', 'h2'], pids: [1, 2], tests: [], firstSeen: T0, lastSeen: T0 + 9 }],
  },
  {
    name: "per process, the larger of its cumulative count and its full reports (CONTRACT.md's Counts)",
    lines: [
      raceLine(A, { pid: 1 }), countsLine({ [A]: 45 }, { pid: 1, time: T0 + 1 }),
      raceLine(A, { pid: 2 }), raceLine(A, { pid: 2 }), countsLine({ [A]: 1 }, { pid: 2, time: T0 + 2 }),
    ],
    races: [{ id: A, count: 47, hosts: ['h1'], pids: [1, 2], tests: [], firstSeen: T0, lastSeen: T0 + 2 }],
  },
  {
    name: 'counts lines are cumulative: the largest counts, not their sum, even read out of order',
    lines: [countsLine({ [A]: 9, [B]: 2 }, { time: T0 + 2 }), countsLine({ [A]: 5 }, { time: T0 + 1 }), raceLine(B, { time: T0 + 3 }), raceLine(A)],
    races: [
      { id: A, count: 9, hosts: ['h1'], pids: [1], tests: [], firstSeen: T0, lastSeen: T0 + 2 },
      { id: B, count: 2, hosts: ['h1'], pids: [1], tests: [], firstSeen: T0 + 2, lastSeen: T0 + 3 },
    ],
  },
  {
    name: 'worker threads of one process (threadId) are counted apart',
    lines: [raceLine(A, { threadId: 1 }), countsLine({ [A]: 5 }, { threadId: 1 }), raceLine(A, { threadId: 2 }), countsLine({ [A]: 7 }, { threadId: 2 })],
    races: [{ id: A, count: 12, hosts: ['h1'], pids: [1], tests: [], firstSeen: T0, lastSeen: T0 }],
  },
  {
    name: 'the tests that made a race, each once, by file then name',
    lines: [
      raceLine(A, { test: { file: 'test/b.test.js', name: 'b > one' } }),
      raceLine(A, { pid: 2, test: { file: 'test/a.test.js', name: 'z' } }),
      raceLine(A, { pid: 3, test: { file: 'test/b.test.js', name: 'b > one' } }),
      raceLine(A, { pid: 4, test: { file: 'test/a.test.js', name: 'a' } }),
    ],
    races: [{
      id: A, count: 4, hosts: ['h1'], pids: [1, 2, 3, 4], firstSeen: T0, lastSeen: T0,
      tests: [{ file: 'test/a.test.js', name: 'a' }, { file: 'test/a.test.js', name: 'z' }, { file: 'test/b.test.js', name: 'b > one' }],
    }],
  },
  {
    name: 'most occurrences first, then by id',
    lines: [raceLine(B), raceLine(A), countsLine({ [A]: 3, [B]: 3 }), raceLine('cccccccccccc'), countsLine({ cccccccccccc: 8 })],
    races: [
      { id: 'cccccccccccc', count: 8, hosts: ['h1'], pids: [1], tests: [], firstSeen: T0, lastSeen: T0 },
      { id: A, count: 3, hosts: ['h1'], pids: [1], tests: [], firstSeen: T0, lastSeen: T0 },
      { id: B, count: 3, hosts: ['h1'], pids: [1], tests: [], firstSeen: T0, lastSeen: T0 },
    ],
  },
  {
    name: '--min-count leaves out rarer races',
    minCount: 3,
    lines: [raceLine(A), countsLine({ [A]: 3, [B]: 2 }), raceLine(B)],
    races: [{ id: A, count: 3, hosts: ['h1'], pids: [1], tests: [], firstSeen: T0, lastSeen: T0 }],
  },
  {
    name: 'a race only counted, its full report in none of the logs, is left out and named',
    lines: [countsLine({ [A]: 4 })],
    races: [],
    countedOnly: [A],
  },
  {
    name: 'a window counts what the counts lines grew by inside it (cumulative snapshots), and full reports inside it',
    window: { since: T0 + 30 * MINUTE, until: T0 + 3 * HOUR },
    lines: [
      countsLine({ [A]: 10 }, { time: T0 }),
      raceLine(A, { time: T0 + HOUR }),
      countsLine({ [A]: 25 }, { time: T0 + 2 * HOUR }),
      countsLine({ [A]: 40 }, { time: T0 + 5 * HOUR }),
      raceLine(A, { pid: 2, time: T0 + 10 * MINUTE }), // before the window: its details, not its count
      raceLine(A, { pid: 3, time: T0 + 4 * HOUR }), // after it
      raceLine(B, { time: T0 }), countsLine({ [B]: 3 }, { time: T0 + 1 }),
    ],
    races: [{ id: A, count: 15, hosts: ['h1'], pids: [1], tests: [], firstSeen: T0 + HOUR, lastSeen: T0 + 2 * HOUR }],
  },
  {
    name: 'a window that holds only the full report of a process counts that report',
    window: { since: T0, until: T0 + MINUTE },
    lines: [raceLine(A, { time: T0 + 1 }), countsLine({ [A]: 50 }, { time: T0 + HOUR })],
    races: [{ id: A, count: 1, hosts: ['h1'], pids: [1], tests: [], firstSeen: T0 + 1, lastSeen: T0 + 1 }],
  },
];

for (const { name, lines, window, minCount, races, countedOnly = [] } of GROUPING_CASES) {
  test(`grouping: ${name}`, () => {
    const result = group(lines, { window, minCount });
    assert.deepEqual(result.report.races.map(brief), races);
    assert.equal(result.report.skipped, 0);
    assert.deepEqual(result.countedOnly, countedOnly);
  });
}

test('grouping: lines that are not race reports are skipped and counted; blank lines are not counted', () => {
  const good = raceLine(A);
  const skippedLines = [
    'plain text from another program',
    '{"level":30,"time":1,"pid":1,"hostname":"h1","msg":"request completed"}', // another pino line
    good.slice(0, 80), // truncated
    '{"level":40,"time":1,"pid":1,"hostname":"h1","race":{"id":"x","kind":"lost-update"}}', // a race with no sites
    raceLine(A).replace('"kind":"lost-update"', '"kind":"deadlock"'),
    raceLine(A).replace('"site":"fixtures/credit-2/app.js:7:19"', '"site":"somewhere"'),
    raceLine(A).replace(/"pid":1,/, ''), // no process to count it for
    '{"counts":{"races":{"aaaaaaaaaaaa":-1}},"time":1,"pid":1,"hostname":"h1"}',
    '{"race": "it is on"}',
    '[1, 2, 3]',
    '"race"',
  ];
  const result = group([good, '', '   ', ...skippedLines, good.replace('"pid":1', '"pid":2')]);
  assert.equal(result.report.skipped, skippedLines.length);
  assert.deepEqual(result.report.races.map(brief), [{ id: A, count: 2, hosts: ['h1'], pids: [1, 2], tests: [], firstSeen: T0, lastSeen: T0 }]);
});

test('grouping: a race keeps the sites of its earliest full report, and only the contract fields', () => {
  const later = JSON.parse(raceLine(A, { time: T0 + 10 }));
  later.race.write.stack = ['credit (fixtures/credit-2/app.js:9:3)'];
  const earlier = JSON.parse(raceLine(A, { time: T0 }));
  earlier.race.read.extra = 'not in the contract';
  const [race] = group([JSON.stringify(later), JSON.stringify(earlier)]).report.races;
  assert.equal(race.write.stack, undefined);
  assert.deepEqual(race.read, { site: 'fixtures/credit-2/app.js:7:19', version: 0, task: 3 });
  assert.deepEqual(Object.keys(race), ['id', 'kind', 'target', 'read', 'await', 'intervening', 'write', 'count', 'firstSeen', 'lastSeen', 'hosts', 'pids', 'tests']);
});

test('lines are split across chunks, whole UTF-8, and a line over the limit is dropped as it streams by', () => {
  const seen = [];
  const splitter = new LineSplitter({ line: (text) => seen.push(text), overlong: () => seen.push('<overlong>') }, 10);
  const é = Buffer.from('é');
  for (const chunk of ['abc\nde', 'fghijklmnop', 'q\nxy\n', '0123456789\n01234567890\n', é.subarray(0, 1), Buffer.concat([é.subarray(1), Buffer.from('\ntail')])]) {
    splitter.push(Buffer.from(chunk));
  }
  splitter.end();
  assert.deepEqual(seen, ['abc', '<overlong>', 'xy', '0123456789', '<overlong>', 'é', 'tail']);
});

test('--since/--until: ISO 8601 dates and times, or durations before now', () => {
  const now = T0;
  assert.equal(parseTime('30m', now), now - 30 * MINUTE);
  assert.equal(parseTime('2h', now), now - 2 * HOUR);
  assert.equal(parseTime('7d', now), now - 7 * 24 * HOUR);
  assert.equal(parseTime('1.5h', now), now - 1.5 * HOUR);
  assert.equal(parseTime('2025-11-26T10:00:00Z', now), T0);
  assert.equal(parseTime('2025-11-26T11:30+01:30', now), T0);
  assert.equal(parseTime('2025-11-26', now), new Date(2025, 10, 26).getTime()); // local midnight
  assert.equal(parseTime('2025-11-26 10:00', now), new Date(2025, 10, 26, 10).getTime());
  for (const bad of ['yesterday', '12/11/2025', '2025-13-01', '30', '-2h', '']) assert.throws(() => parseTime(bad, now), /is not a time/, bad);
});

test('colour only for a terminal, without NO_COLOR, and never into a file', () => {
  assert.equal(wantsColor(true, {}, false), true);
  assert.equal(wantsColor(false, {}, false), false);
  assert.equal(wantsColor(true, { NO_COLOR: '1' }, false), false);
  assert.equal(wantsColor(true, { NO_COLOR: '' }, false), true); // no-color.org: set and not empty
  assert.equal(wantsColor(true, {}, true), false);
  const report = group([raceLine(A)]).report;
  const options = { cwd: REPO, sources: createSourceReader(REPO) };
  assert.match(renderText(report, { ...options, color: true }), /\x1b\[/);
  assert.doesNotMatch(renderText(report, { ...options, color: false }), /\x1b\[/);
});

test('text names the tests that made a race, and a site whose file is not at hand without source', () => {
  const lines = [
    raceLine(A, { test: { file: 'test/bank.test.js', name: 'bank > credits twice' } }),
    raceLine(A, { pid: 2, test: { file: 'test/bank.test.js', name: 'bank > debits' } }),
  ];
  const text = renderText(group(lines).report, { cwd: REPO, color: false, sources: createSourceReader(REPO) });
  assert.match(text, /^ {2}tests: test\/bank\.test\.js {2}bank > credits twice\n {9}test\/bank\.test\.js {2}bank > debits\n {4}read {10}fixtures/m);
  const elsewhere = renderText(group(lines).report, { cwd: REPO, color: false, sources: createSourceReader(path.join(REPO, 'src')) });
  assert.match(elsewhere, /^ {4}read {10}fixtures\/credit-2\/app\.js:7:19 \(task 3\)\n {4}await /m);
});

test('the source reader quotes lines around a site, and gives nothing for what is not at hand', () => {
  const sources = createSourceReader(REPO);
  assert.deepEqual(sources.lines('fixtures/credit-2/app.js:2:5', 1), {
    file: 'fixtures/credit-2/app.js',
    first: 1,
    lines: ['// The lost update of DEVELOPERS.md: two credits read the balance, both await, both write back.', 'let balance = 0;', ''],
  });
  assert.equal(sources.lines('fixtures/credit-2/app.js:999:1', 1), undefined);
  assert.equal(sources.lines('fixtures/no-such-file.js:1:1', 1), undefined);
  assert.equal(sources.lines('fixtures:1:1', 1), undefined); // a directory
  assert.equal(sources.lines('not a site', 1), undefined);
});

test('no log named and stdin a terminal: one line, exit 2', () => {
  assert.throws(() => resolveSources([], REPO, true), (error) => error.status === 2 && /no log to read/.test(error.message));
});

let realLogs;
/**
 * Real logs, made once: credit-2 and credit-100 run under asyncrace into logs/a.ndjson, and credit-2
 * again into logs/b.ndjson as if on another machine (its lines differ only in hostname).
 */
function realLogDir() {
  realLogs ??= (async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'logs'));
    const [here, there] = await Promise.all([raceLogLines([{ fixture: 'credit-2' }, { fixture: 'credit-100' }]), raceLogLines([{ fixture: 'credit-2' }])]);
    const a = path.join(dir, 'logs', 'a.ndjson');
    const b = path.join(dir, 'logs', 'b.ndjson');
    fs.writeFileSync(a, `${here.join('\n')}\n`);
    fs.writeFileSync(b, `${there.join('\n').replaceAll(/"hostname":"[^"]*"/g, '"hostname":"ci-2"')}\n`);
    const lines = [...readReportLines(a), ...readReportLines(b)];
    return { dir, lines, host: lines[0].hostname };
  })();
  return realLogs;
}

function reportJson(args, options = {}) {
  const result = asyncrace(['report', '--format', 'json', ...args], { cwd: REPO, ...options });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, '');
  return JSON.parse(result.stdout);
}

test('real runs: grouped by race id across processes and hosts, counted by the contract', async () => {
  const { dir, lines, host } = await realLogDir();
  const idOf = (fixture) => lines.find((line) => line.race?.target.declared.startsWith(`fixtures/${fixture}/`)).race.id;
  const pidsOf = (fixture) => [...new Set(lines.filter((l) => l.race && l.race.id === idOf(fixture)).map((l) => l.pid))].sort((a, b) => a - b);
  const report = reportJson([path.join(dir, 'logs', 'a.ndjson'), path.join(dir, 'logs', 'b.ndjson')]);
  assert.equal(report.skipped, 0);
  assert.deepEqual(
    report.races.map(({ id, kind, count, hosts, pids, tests }) => ({ id, kind, count, hosts, pids, tests })),
    [
      { id: idOf('credit-100'), kind: 'lost-update', count: 99, hosts: [host], pids: pidsOf('credit-100'), tests: [] },
      { id: idOf('credit-2'), kind: 'lost-update', count: 2, hosts: [host, 'ci-2'].sort(), pids: pidsOf('credit-2'), tests: [] },
    ],
  );
  const credit2 = report.races[1];
  assert.equal(credit2.pids.length, 2);
  assert.equal(credit2.write.site, 'fixtures/credit-2/app.js:9:3');
  const times = lines.filter((l) => l.race?.id === credit2.id || l.counts?.races[credit2.id]).map((l) => l.time);
  assert.equal(credit2.firstSeen, Math.min(...times));
  assert.equal(credit2.lastSeen, Math.max(...times));
});

test('real runs: text output for a person, with the source around each site, no colour in a pipe', async () => {
  const { dir } = await realLogDir();
  const result = asyncrace(['report', path.join(dir, 'logs', 'a.ndjson')], { cwd: REPO, env: { ...process.env, NO_COLOR: '' } });
  assert.equal(result.status, 0, result.stderr);
  assert.doesNotMatch(result.stdout, /\x1b\[/);
  assert.match(result.stdout, /^asyncrace report: 2 races, 100 occurrences on 1 host\n/);
  assert.match(result.stdout, /^ {2}count {2}kind {9}target {3}write +race$/m);
  assert.match(result.stdout, /^ {5}99 {2}lost-update {2}balance {2}fixtures\/credit-100\/app\.js:9:3 {2}[0-9a-f]{12}$/m);
  assert.match(result.stdout, /^lost-update on balance \(variable, declared at fixtures\/credit-2\/app\.js:2:5\) {2}race [0-9a-f]{12}$/m);
  assert.match(result.stdout, /^ {4}read {10}fixtures\/credit-2\/app\.js:7:19 \(task \d+\)\n {10}6 \| async function credit\(\) \{\n {6}> {3}7 \| {3}const current = balance;\n {12}\| {19}\^$/m);
  assert.match(result.stdout, /^ {2}99 occurrences, first seen \d{4}-\d\d-\d\dT[\d:.]+Z, last seen /m);
});

test('globs (quoted, expanded by asyncrace), files named twice, and stdin give the same report', async () => {
  const { dir } = await realLogDir();
  const both = [path.join(dir, 'logs', 'a.ndjson'), path.join(dir, 'logs', 'b.ndjson')];
  const expected = reportJson(both);
  assert.deepEqual(reportJson(['logs/*.ndjson', 'logs/a.ndjson'], { cwd: dir }), expected);
  assert.deepEqual(reportJson([path.join(dir, 'logs', '*.ndjson')]), expected);
  assert.deepEqual(reportJson(['logs/**/{a,b}.ndjson'], { cwd: dir }), expected);
  const piped = both.map((file) => fs.readFileSync(file, 'utf8')).join('');
  assert.deepEqual(reportJson([], { input: piped }), expected);
  assert.deepEqual(reportJson(['-'], { input: piped }), expected);
  const none = asyncrace(['report', 'logs/*.log'], { cwd: dir });
  assert.deepEqual([none.status, none.stderr, none.stdout], [1, 'asyncrace: no file matches logs/*.log\n', '']);
});

test('.gz logs are read by their name or by their magic bytes, from files and stdin', async () => {
  const { dir } = await realLogDir();
  const plain = path.join(dir, 'logs', 'a.ndjson');
  const expected = reportJson([plain]);
  const gz = path.join(dir, 'a.ndjson.gz');
  fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(plain)));
  const unnamed = path.join(dir, 'a-compressed.log');
  fs.copyFileSync(gz, unnamed);
  assert.deepEqual(reportJson([gz]), expected);
  assert.deepEqual(reportJson([unnamed]), expected);
  assert.deepEqual(reportJson(['-'], { input: fs.readFileSync(gz) }), expected);
});

test('a broken .gz: one line on stderr, exit 1, a report of what came before', () => {
  const dir = tempDir();
  const lines = Array.from({ length: 3000 }, (_, i) => raceLine(A, { pid: i + 1 }));
  const whole = zlib.gzipSync(lines.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'cut.gz'), whole.subarray(0, Math.floor(whole.length / 2)));
  fs.writeFileSync(path.join(dir, 'not-gzip.gz'), raceLine(A) + '\n');
  const cut = asyncrace(['report', '--format', 'json', 'cut.gz'], { cwd: dir });
  assert.equal(cut.status, 1);
  assert.match(cut.stderr, /^asyncrace: cannot read all of cut\.gz: not a readable gzip file \(unexpected end of file\); the report has the lines before that\n$/);
  const { races } = JSON.parse(cut.stdout);
  assert.ok(races[0].count > 0 && races[0].count < lines.length, `count ${races[0].count}`);
  const notGzip = asyncrace(['report', 'not-gzip.gz'], { cwd: dir });
  assert.equal(notGzip.status, 1);
  assert.match(notGzip.stderr, /^asyncrace: cannot read all of not-gzip\.gz: not a readable gzip file \(incorrect header check\)[^\n]*\n$/);
});

test('garbage, other programs, truncated and huge lines are skipped and counted; an empty file is no races', () => {
  const dir = tempDir();
  const huge = `{"level":40,"msg":"${'x'.repeat(3 * 1024 * 1024)}","race":{}}`; // 3 MiB: never held whole
  const lines = [
    raceLine(A, { pid: 1 }),
    'npm WARN something',
    '{"level":30,"time":1,"pid":1,"hostname":"h1","msg":"listening on :3000"}',
    huge,
    raceLine(A, { pid: 2 }).slice(0, 120),
    raceLine(A, { pid: 3 }),
  ];
  fs.writeFileSync(path.join(dir, 'mixed.log'), lines.join('\r\n') + '\r\n' + raceLine(A, { pid: 4 }).slice(0, 60)); // ends mid-line
  fs.writeFileSync(path.join(dir, 'empty.log'), '');
  const report = reportJson(['mixed.log', 'empty.log'], { cwd: dir });
  assert.equal(report.skipped, 5);
  assert.deepEqual(report.races.map(brief), [{ id: A, count: 2, hosts: ['h1'], pids: [1, 3], tests: [], firstSeen: T0, lastSeen: T0 }]);
  const text = asyncrace(['report', 'mixed.log'], { cwd: dir });
  assert.match(text.stdout, /^asyncrace report: 1 race, 2 occurrences on 1 host \(5 lines skipped: not JSON, or not a race report\)$/m);
  const empty = asyncrace(['report', 'empty.log'], { cwd: dir });
  assert.deepEqual([empty.status, empty.stdout, empty.stderr], [0, 'asyncrace report: no races\n', '']);
});

test('a race counted but never reported in full is left out, and named on stderr', () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'counts.log'), `${countsLine({ [A]: 3 })}\n`);
  const result = asyncrace(['report', '--format', 'json', 'counts.log'], { cwd: dir });
  assert.equal(result.status, 0);
  assert.equal(result.stderr, `asyncrace: left out race ${A}: counted, but never reported in full in these logs\n`);
  assert.deepEqual(JSON.parse(result.stdout), { races: [], skipped: 0 });
});

test('--min-count, --since and --until (ISO times and durations before now)', () => {
  const dir = tempDir();
  const now = Date.now();
  const lines = [
    raceLine(A, { time: T0 }), countsLine({ [A]: 5 }, { time: T0 + 1 }),
    raceLine(B, { time: T0 + 2 * HOUR }),
    raceLine('cccccccccccc', { time: now - 3 * HOUR }),
    raceLine('dddddddddddd', { time: now - 10 * MINUTE }),
  ];
  fs.writeFileSync(path.join(dir, 'log.ndjson'), lines.join('\n') + '\n');
  const ids = (args) => reportJson(['log.ndjson', ...args], { cwd: dir }).races.map((race) => race.id);
  assert.deepEqual(ids(['--min-count', '2']), [A]);
  assert.deepEqual(ids(['--since', '2025-11-26T11:00Z', '--until', '2025-11-26T12:00:00.000Z']), [B]); // both ends included
  assert.deepEqual(ids(['--since', '1d', '--until', '2h']), ['cccccccccccc']);
});

for (const [args, message] of [
  [['--min-count', '-1'], "asyncrace: option '--min-count <n>' argument '-1' is invalid. '-1' is not a whole number\n"],
  [['--since', 'yesterday'], /^asyncrace: option '--since <time>' argument 'yesterday' is invalid\. 'yesterday' is not a time: use an ISO 8601 date/],
  [['--until', '2025-02-30T25:00'], /^asyncrace: option '--until <time>' argument '2025-02-30T25:00' is invalid\./],
  [['--since', '1h', '--until', '2h'], 'asyncrace: --since is later than --until: no line can be in between\n'],
  [['--format', 'xml'], "asyncrace: option '--format <format>' argument 'xml' is invalid. Allowed choices are text, json, sarif, html.\n"],
]) {
  test(`report: bad arguments give one line and exit 2: ${args.join(' ')}`, () => {
    const result = asyncrace(['report', 'log.ndjson', ...args], { cwd: tempDir() });
    assert.equal(result.status, 2);
    if (typeof message === 'string') assert.equal(result.stderr, message);
    else assert.match(result.stderr, message);
    assert.equal(result.stderr.split('\n').length, 2, result.stderr);
    assert.equal(result.stdout, '');
  });
}

test('a missing file or a directory: one line, exit 1, nothing read', () => {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, 'logs'));
  fs.writeFileSync(path.join(dir, 'good.log'), `${raceLine(A)}\n`);
  const missing = asyncrace(['report', 'good.log', 'missing.log'], { cwd: dir });
  assert.deepEqual([missing.status, missing.stderr, missing.stdout], [1, 'asyncrace: cannot read missing.log: no such file\n', '']);
  const directory = asyncrace(['report', 'logs'], { cwd: dir });
  assert.deepEqual([directory.status, directory.stdout], [1, '']);
  assert.equal(directory.stderr, "asyncrace: cannot read logs: is a directory (name its files, or a quoted glob such as 'logs/*.ndjson')\n");
});

test('--out writes the report to a file (whole, through a rename), stdout stays empty', () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'log.ndjson'), `${raceLine(A)}\n`);
  fs.writeFileSync(path.join(dir, 'report.json'), 'an old report');
  const result = asyncrace(['report', '--format', 'json', '--out', 'report.json', 'log.ndjson'], { cwd: dir });
  assert.deepEqual([result.status, result.stdout, result.stderr], [0, '', '']);
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8')).races.map((race) => race.id), [A]);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['log.ndjson', 'report.json']);
  const text = asyncrace(['report', '--out', 'report.txt', 'log.ndjson'], { cwd: dir });
  assert.equal(text.status, 0);
  assert.match(fs.readFileSync(path.join(dir, 'report.txt'), 'utf8'), /^asyncrace report: 1 race/);
  const nowhere = asyncrace(['report', '--out', 'no-such-dir/report.txt', 'log.ndjson'], { cwd: dir });
  assert.deepEqual([nowhere.status, nowhere.stderr], [1, 'asyncrace: cannot write no-such-dir/report.txt: no such file\n']);
});

test('a large generated log (200,000 lines of races, counts, other lines, garbage) is counted right', () => {
  const dir = tempDir();
  const file = path.join(dir, 'big.ndjson');
  const expected = writeSyntheticLog(file, 200_000);
  const report = reportJson([file]);
  assert.deepEqual({ counts: Object.fromEntries(report.races.map((race) => [race.id, race.count])), skipped: report.skipped }, expected);
});
