'use strict';
// Many processes and threads reporting at once into one log: every line must arrive whole (each
// parses and is a valid report line) and none may be lost. Four child processes, each running its
// races in two worker_threads Workers (one of them an ES module Worker made with an environment of
// its own), all reporting distinct races at the same time, to one --log file and to one stderr pipe.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { test } = require('node:test');
const { asyncrace, tempDir } = require('./helpers/run');
const { readReportLines } = require('./helpers/report');

const PROCESSES = 4;
const WORKERS = 2;
/** Distinct races each Worker reports: one per shared variable. */
const RACES = 60;

/** A module racing on RACES variables, all at once, then telling its parent it is done. */
function racyModule(esm) {
  const lines = [];
  if (esm) lines.push("import { parentPort } from 'node:worker_threads';");
  else lines.push("const { parentPort } = require('node:worker_threads');");
  lines.push('const io = () => new Promise((resolve) => setImmediate(resolve));');
  for (let i = 0; i < RACES; i++) {
    lines.push(`let v${i} = 0;`);
    lines.push(`async function f${i}() { const c = v${i}; await io(); v${i} = c + 1; }`);
  }
  const calls = Array.from({ length: RACES }, (_, i) => `f${i}(), f${i}()`).join(', ');
  lines.push(`Promise.all([${calls}]).then(() => parentPort?.postMessage(v0 + v${RACES - 1}));`);
  return `${lines.join('\n')}\n`;
}

function writeProgram(dir) {
  fs.writeFileSync(path.join(dir, 'racy.cjs'), racyModule(false));
  fs.writeFileSync(path.join(dir, 'racy.mjs'), racyModule(true));
  // Each child: one Worker as made by default, one ES module Worker with a custom env and execArgv.
  fs.writeFileSync(
    path.join(dir, 'child.cjs'),
    `const path = require('node:path');
const { Worker } = require('node:worker_threads');
const workers = [
  new Worker(path.join(__dirname, 'racy.cjs')),
  new Worker(path.join(__dirname, 'racy.mjs'), { env: { PATH: process.env.PATH }, execArgv: [] }),
];
let sum = 0;
for (const worker of workers) worker.on('message', (n) => { sum += n; });
Promise.all(workers.map((w) => new Promise((resolve) => w.on('exit', resolve)))).then(() => console.log(sum));
`,
  );
  fs.writeFileSync(
    path.join(dir, 'main.cjs'),
    `const { fork } = require('node:child_process');
const path = require('node:path');
let exited = 0;
for (let i = 0; i < ${PROCESSES}; i++) {
  fork(path.join(__dirname, 'child.cjs'), { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }).on('exit', () => {
    if (++exited === ${PROCESSES}) console.log('all done');
  });
}
`,
  );
}

/** Each process logs, per Worker, RACES full reports and one counts line; the main threads log nothing. */
function checkLines(lines) {
  const races = lines.filter((l) => l.race);
  const counts = lines.filter((l) => l.counts);
  assert.equal(races.length, PROCESSES * WORKERS * RACES, 'race lines');
  assert.equal(counts.length, PROCESSES * WORKERS, 'counts lines');
  assert.equal(lines.length, races.length + counts.length);
  const pids = new Map();
  for (const line of races) pids.set(line.pid, (pids.get(line.pid) ?? 0) + 1);
  assert.equal(pids.size, PROCESSES, 'processes that reported');
  for (const [pid, n] of pids) assert.equal(n, WORKERS * RACES, `race lines of process ${pid}`);
  // Workers share their process's pid: their lines carry a threadId, so each counts line is told apart.
  assert.equal(new Set(counts.map((l) => `${l.pid}:${l.threadId}`)).size, PROCESSES * WORKERS, 'one counts line per thread');
  for (const line of counts) {
    assert.ok(Number.isInteger(line.threadId) && line.threadId > 0, 'a Worker line carries its threadId');
    assert.equal(Object.keys(line.counts.races).length, RACES);
    for (const count of Object.values(line.counts.races)) assert.equal(count, 1);
  }
  assert.equal(new Set(races.map((l) => l.race.id)).size, 2 * RACES, 'distinct races: one set per module');
}

// One program for both tests, its two modules instrumented once beforehand: every thread then
// starts from the transform cache instead of loading Babel, and the threads report at once.
let program;
function programDir() {
  if (!program) {
    program = tempDir();
    writeProgram(program);
    fs.writeFileSync(path.join(program, 'warm.cjs'), "require('./racy.cjs');\nimport('./racy.mjs');\n");
    const warm = asyncrace(['run', '--log', path.join(tempDir(), 'warm.ndjson'), '--', process.execPath, 'warm.cjs'], { cwd: program });
    assert.equal(warm.status, 0, warm.stderr);
  }
  return program;
}

test('many processes and Workers reporting at once: one --log file gets every line, whole', () => {
  const dir = programDir();
  const log = path.join(dir, 'races.ndjson');
  const result = asyncrace(['run', '--log', log, '--', process.execPath, 'main.cjs'], { cwd: dir, timeout: 120_000 });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, 'all done\n');
  assert.equal(result.stderr, '');
  checkLines(readReportLines(log));
});

test('many processes and Workers reporting at once to one stderr pipe: every line whole', () => {
  const dir = programDir();
  const result = asyncrace(['run', '--', process.execPath, 'main.cjs'], { cwd: dir, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, 'all done\n');
  const log = path.join(tempDir(), 'stderr.ndjson');
  fs.writeFileSync(log, result.stderr);
  const lines = readReportLines(log);
  // Whole lines are atomic on a pipe only up to PIPE_BUF (4096 bytes on Linux).
  for (const line of result.stderr.split('\n')) assert.ok(Buffer.byteLength(line) + 1 <= 4096, `a line longer than PIPE_BUF: ${line.length}`);
  checkLines(lines);
});
