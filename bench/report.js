'use strict';
// `node bench/report.js`: how fast `asyncrace report` reads a large log, and in how much memory.
// Generates a log of a million lines (BENCH_REPORT_LINES to change it) into a temporary file: race
// reports of a few dozen races from processes on several hosts, their counts lines, unrelated pino
// lines and garbage; then times `asyncrace report --format json` on it in a child process, and
// checks the report against what the log holds.

const assert = require('node:assert');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const CLI = path.resolve(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
const LINES = Number(process.env.BENCH_REPORT_LINES) || 1_000_000;
const HOSTS = ['ci-runner-1', 'ci-runner-2', 'ci-runner-3', 'staging-web-1'];
const PIDS_PER_HOST = 8;
const RACES = 36;
const START_TIME = Date.UTC(2025, 10, 26, 8, 0, 0);

/** A deterministic pseudo-random sequence (an LCG), so every run writes the same log. */
function randomSequence(seed) {
  let state = seed >>> 0;
  return (bound) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % bound;
  };
}

const raceId = (r) => (0x3a7c00000000 + r * 104_729).toString(16).padStart(12, '0');

function raceLine(r, time, host, pid, task) {
  const file = `src/service-${r % 7}.js`;
  const line = 10 + (r % 50);
  const site = (l, c) => `${file}:${l}:${c}`;
  const race = {
    id: raceId(r),
    kind: r % 3 === 0 ? 'stale-check' : 'lost-update',
    target: { name: `state${r}`, type: 'variable', declared: site(2, 5) },
    read: { site: site(line, 19), version: task, task },
    await: { site: site(line + 1, 3) },
    intervening: { site: site(line + 2, 3), version: task + 1, task: task + 1 },
    write: { site: site(line + 2, 3), version: task + 2, task, stack: [`update (${site(line + 2, 3)})`, `async handle (${file}:90:7)`] },
  };
  if (r % 4 === 0) race.test = { file: `test/service-${r % 7}.test.js`, name: `service > case ${r % 3}` };
  return JSON.stringify({
    level: 40, time, pid, hostname: host, name: 'asyncrace', race,
    msg: `lost update: state${r} written at ${site(line + 2, 3)} from a value read at ${site(line, 19)} before await at ${site(line + 1, 3)}; another task wrote it at ${site(line + 2, 3)} in between`,
  });
}

function countsLine(counts, time, host, pid) {
  const races = Object.fromEntries(counts);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return JSON.stringify({
    level: 30, time, pid, hostname: host, name: 'asyncrace', counts: { races, suppressed: 0 },
    msg: `asyncrace counts: ${counts.size} races, ${total} occurrences`,
  });
}

function otherLine(i, time, host, pid) {
  return JSON.stringify({ level: 30, time, pid, hostname: host, req: { id: i, method: 'GET', url: `/api/items/${i % 977}` }, res: { statusCode: 200 }, responseTime: i % 83, msg: 'request completed' });
}

const GARBAGE = [
  (i) => `plain text from another program, line ${i}`,
  (i, sample) => sample.slice(0, 40 + (i % 200)), // a race line cut short
  () => '{"level":40,"race":{"id":"broken"}}',
  () => '[1,2,3]',
];

/**
 * Writes a log of `lineCount` lines to `file`. Returns what `asyncrace report` must make of it: each
 * race id's count, by CONTRACT.md's rule (per process, the larger of its last counts line and its
 * full reports, summed), and how many lines it must skip.
 */
function writeSyntheticLog(file, lineCount) {
  const random = randomSequence(42);
  const processes = HOSTS.flatMap((host, h) => Array.from({ length: PIDS_PER_HOST }, (_, p) => ({
    host, pid: 1000 + h * 100 + p, occurrences: new Map(), full: new Map(), counted: new Map(),
  })));
  const fd = fs.openSync(file, 'w');
  let batch = [];
  let skipped = 0;
  let sample = '';
  const flush = () => {
    fs.writeSync(fd, batch.join('\n') + '\n');
    batch = [];
  };
  for (let i = 0; i < lineCount; i++) {
    const time = START_TIME + i;
    const proc = processes[random(processes.length)];
    const kind = random(100);
    if (kind < 70) {
      batch.push(otherLine(i, time, proc.host, proc.pid));
      skipped++;
    } else if (kind < 90) {
      const r = random(RACES);
      const id = raceId(r);
      sample = raceLine(r, time, proc.host, proc.pid, 3 + (i % 9));
      batch.push(sample);
      proc.full.set(id, (proc.full.get(id) ?? 0) + 1);
      // Occurrences the process only counted, as a real one does after the first full report.
      proc.occurrences.set(id, (proc.occurrences.get(id) ?? 0) + 1 + random(5));
    } else if (kind < 94) {
      batch.push(countsLine(proc.occurrences, time, proc.host, proc.pid));
      proc.counted = new Map(proc.occurrences);
    } else {
      batch.push(GARBAGE[random(GARBAGE.length)](i, sample || 'x'));
      skipped++;
    }
    if (batch.length === 10_000) flush();
  }
  flush();
  fs.closeSync(fd);

  const counts = {};
  for (const proc of processes) {
    for (const id of new Set([...proc.full.keys(), ...proc.counted.keys()])) {
      counts[id] = (counts[id] ?? 0) + Math.max(proc.full.get(id) ?? 0, proc.counted.get(id) ?? 0);
    }
  }
  return { counts, skipped };
}

/** Runs `asyncrace report` on `file`; its peak RSS and CPU time come from the child itself, at exit. */
function timeReport(file, dir) {
  const preload = path.join(dir, 'resource-usage.js');
  fs.writeFileSync(preload, "process.on('exit', () => require('fs').writeSync(3, JSON.stringify(process.resourceUsage())));\n");
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--require', preload, CLI, 'report', '--format', 'json', file], {
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallMs = performance.now() - started;
  if (child.status !== 0) throw new Error(`asyncrace report failed with status ${child.status ?? child.signal}:\n${child.stderr}`);
  const usage = JSON.parse(child.output[3]);
  return { wallMs, usage, report: JSON.parse(child.stdout) };
}

/** Generates the log, times the report on it, checks it; returns the figures. */
function benchReport({ lines = LINES } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asyncrace-bench-report-'));
  try {
    const file = path.join(dir, 'races.ndjson');
    const expected = writeSyntheticLog(file, lines);
    const bytes = fs.statSync(file).size;
    const { wallMs, usage, report } = timeReport(file, dir);
    const got = Object.fromEntries(report.races.map((race) => [race.id, race.count]));
    // A benchmark of a report that got the log wrong would measure nothing worth having.
    assert.deepStrictEqual({ counts: got, skipped: report.skipped }, expected, 'asyncrace report got the log wrong');
    return {
      lines,
      megabytes: Math.round(bytes / 1e6),
      races: report.races.length,
      skipped: report.skipped,
      wallSeconds: Number((wallMs / 1000).toFixed(2)),
      cpuSeconds: Number(((usage.userCPUTime + usage.systemCPUTime) / 1e6).toFixed(2)),
      linesPerSecond: Math.round(lines / (wallMs / 1000)),
      megabytesPerSecond: Math.round(bytes / 1e6 / (wallMs / 1000)),
      peakRssMegabytes: Math.round(usage.maxRSS / 1024),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The figures as `npm run bench` prints them. */
function describeReport(figures) {
  return (
    `asyncrace report --format json on ${figures.lines.toLocaleString('en-US')} lines (${figures.megabytes} MB, ${figures.races} races, ${figures.skipped.toLocaleString('en-US')} lines skipped):\n` +
    `  ${figures.wallSeconds} s wall, ${figures.cpuSeconds} s CPU, ${figures.linesPerSecond.toLocaleString('en-US')} lines/s, ${figures.megabytesPerSecond} MB/s, peak RSS ${figures.peakRssMegabytes} MB`
  );
}

module.exports = { benchReport, describeReport, writeSyntheticLog };

if (require.main === module) console.log(describeReport(benchReport()));
