'use strict';
// Staging mode on small programs: each race in full once, counts lines periodically and only while
// they move, a final one at exit or on SIGTERM/SIGINT without changing what the signal does, values
// never logged, reports into the application's own pino logger, sampling. The service under load
// is test/staging-soak.test.js.
const assert = require('node:assert/strict');
const { execFile, spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { describe, test } = require('node:test');
const { readReportLines } = require('./helpers/report');
const { cleanEnv, tempDir, REPO } = require('./helpers/run');

const SERVICE = path.join(REPO, 'fixtures', 'staging-service');
const REGISTER = path.join(REPO, 'dist', 'src', 'hooks', 'register.js');

/** `node <args>`, without blocking: the tests of this file run side by side. */
function run(args, options) {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { timeout: 60_000, ...options }, (error, stdout, stderr) => {
      resolve({ status: error ? error.code : 0, stdout, stderr });
    });
  });
}

/** `node [--require register] <args>` in the fixture's folder. */
function runNode(args, vars, instrumented = true) {
  return run([...(instrumented ? ['--require', REGISTER] : []), ...args], { cwd: SERVICE, env: cleanEnv(vars) });
}

const total = (counts) => Object.values(counts.races).reduce((a, b) => a + b, 0) + counts.suppressed;

describe('staging mode', { concurrency: true }, () => {
  test('each race in full once, counts lines while they move, a final one at exit; no value in any line', async () => {
    const log = path.join(tempDir(), 'races.ndjson');
    const started = Date.now();
    const devLog = path.join(tempDir(), 'races.ndjson');
    const [result, plain, dev] = await Promise.all([
      runNode(['burst.js'], { ASYNCRACE_MODE: 'staging', ASYNCRACE_COUNTS_INTERVAL: '0.2', ASYNCRACE_LOG: log }),
      runNode(['burst.js'], {}, false),
      runNode(['burst.js'], { ASYNCRACE_COUNTS_INTERVAL: '0.2', ASYNCRACE_LOG: devLog }),
    ]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, plain.stdout, 'the program prints what it prints plainly');

    const text = fs.readFileSync(log, 'utf8');
    assert.doesNotMatch(text, /SECRET/, 'neither the secret key nor a value read or written is in a report');
    const lines = readReportLines(log);
    const ids = lines.filter((l) => l.race).map((l) => l.race.id);
    assert.deepEqual(lines.filter((l) => l.race).map((l) => l.race.target.name).sort(), ['balance', 'tokens.get(TOKEN)']);
    assert.equal(new Set(ids).size, ids.length, 'each race id in full once');

    const counts = lines.filter((l) => l.counts);
    assert.ok(counts.length >= 3, `periodic counts lines during the bursts, then a final one (got ${counts.length})`);
    for (let i = 1; i < counts.length; i++) {
      for (const [id, count] of Object.entries(counts[i - 1].counts.races)) assert.ok(counts[i].counts.races[id] >= count, 'counts are cumulative');
    }
    const periodic = counts.slice(0, -1).map((l) => total(l.counts));
    for (let i = 1; i < periodic.length; i++) assert.ok(periodic[i] > periodic[i - 1], `a periodic line only when counts moved: ${periodic}`);
    // The one-second quiet spell at the end wrote nothing: the last periodic line came with the bursts.
    assert.ok(counts.at(-1).time - counts.at(-2).time >= 700, 'no counts line while nothing moved');
    assert.ok(counts.at(-1).time >= started && lines.at(-1) === counts.at(-1), 'the final counts line is the last line');
    assert.deepEqual(counts.at(-1).counts.races, Object.fromEntries(ids.map((id) => [id, counts.at(-1).counts.races[id]])));

    // Dev mode, the default: the same program writes one counts line, at exit.
    assert.equal(dev.status, 0);
    const devCounts = readReportLines(devLog).filter((l) => l.counts);
    assert.equal(devCounts.length, 1);
    assert.deepEqual(devCounts[0].counts.races, counts.at(-1).counts.races, 'the same occurrences counted');
  });

  test('a process with a race exits by itself, the counts timer keeping nothing alive', async () => {
    const log = path.join(tempDir(), 'races.ndjson');
    const started = Date.now();
    const result = await run(['--require', REGISTER, '-e', 'let n = 0; (async () => { const c = n; await null; n = c + 1; })(); (async () => { const c = n; await null; n = c + 1; })();'], {
      cwd: tempDir(),
      env: cleanEnv({ ASYNCRACE_MODE: 'staging', ASYNCRACE_LOG: log }),
    });
    assert.equal(result.status, 0, result.stderr);
    assert.ok(Date.now() - started < 20_000, 'did not wait for the 60 s counts interval');
  });

  /** Starts `node [--require register] idle.js [args]`, waits for it to serve, sends `signal`: how it ended, what it printed. */
  function stopWithSignal(signal, args, vars, instrumented = true) {
    return new Promise((resolve, reject) => {
      const argv = [...(instrumented ? ['--require', REGISTER] : []), 'idle.js', ...args];
      const child = spawn(process.execPath, argv, { cwd: SERVICE, env: cleanEnv(vars) });
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (data) => (stderr += data));
      child.stdout.on('data', (data) => {
        stdout += data;
        if (stdout.includes('ready\n') && !child.killed) child.kill(signal);
      });
      child.on('error', reject);
      child.on('close', (code, closedBy) => resolve({ code, signal: closedBy, stdout, stderr }));
    });
  }

  for (const [signal, args] of [['SIGTERM', []], ['SIGINT', []], ['SIGTERM', ['--own-handler']]]) {
    test(`${signal}${args.length ? ' with the program\'s own handler' : ''} writes the counts line and ends the process as it would have`, async () => {
      const log = path.join(tempDir(), 'races.ndjson');
      const [instrumented, plain] = await Promise.all([
        stopWithSignal(signal, args, { ASYNCRACE_MODE: 'staging', ASYNCRACE_LOG: log }),
        stopWithSignal(signal, args, {}, false),
      ]);
      assert.deepEqual({ code: instrumented.code, signal: instrumented.signal }, { code: plain.code, signal: plain.signal }, instrumented.stderr);
      assert.equal(instrumented.stdout, plain.stdout);
      assert.deepEqual(args.length ? { code: 0, signal: null } : { code: null, signal }, { code: plain.code, signal: plain.signal });
      const lines = readReportLines(log);
      assert.equal(lines.filter((l) => l.race).length, 1);
      const counts = lines.filter((l) => l.counts);
      assert.equal(counts.length, 1, 'one final counts line (not repeated at exit when nothing moved since the signal)');
      assert.deepEqual(Object.values(counts[0].counts.races), [1]);
    });
  }

  test('a finished task keeps none of the tasks it started alive: a self-restarting loop\'s heap stays flat', async () => {
    const [plain, instrumented] = await Promise.all([
      runNode(['--expose-gc', 'chain.js'], {}, false),
      runNode(['--expose-gc', 'chain.js'], { ASYNCRACE_MODE: 'staging', ASYNCRACE_LOG: path.join(tempDir(), 'races.ndjson') }),
    ]);
    assert.equal(instrumented.status, 0, instrumented.stderr);
    // 200,000 rounds chained through their tasks held about 85 MB more.
    assert.ok(Number(instrumented.stdout) <= Number(plain.stdout) + 40, `heap MB: ${instrumented.stdout.trim()} instrumented, ${plain.stdout.trim()} plain`);
  });

  test('configure({ logger }): reports go into the application\'s pino logger as CONTRACT.md lines; bad options throw one-line TypeErrors', async () => {
    const dir = tempDir();
    const appLog = path.join(dir, 'app.ndjson');
    const result = await runNode(['app-logger.js', appLog], {});
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, '', 'nothing on stderr: the reports went to the application\'s logger');
    assert.deepEqual(result.stdout.trim().split('\n'), [
      'TypeError: asyncrace.configure: sample must be a number above 0 and at most 1, got 5',
      'TypeError: asyncrace.configure: mode must be \'dev\' or \'staging\', got "production"',
      'TypeError: asyncrace.configure: countsInterval must be a number of seconds above 0 and at most 2147483, got -1',
      'TypeError: asyncrace.configure: logger must be a pino logger',
    ]);

    const raw = fs.readFileSync(appLog, 'utf8').trim().split('\n');
    const app = raw.map((line) => JSON.parse(line)).filter((line) => line.name === 'app');
    assert.deepEqual(app.map((line) => [line.level, line.msg]), [['error', 'app started'], ['error', 'app done']], 'the application\'s own lines, as its logger writes them');
    const ours = raw.filter((line) => JSON.parse(line).name === 'asyncrace');
    for (const line of ours) assert.ok(line.startsWith('{"level":') && !line.includes('"name":"app"') && line.split('"name":"asyncrace"').length === 2, `one name key: ${line}`);
    const only = path.join(dir, 'asyncrace.ndjson');
    fs.writeFileSync(only, ours.join('\n') + '\n');
    const lines = readReportLines(only);
    assert.deepEqual(lines.map((l) => [l.level, l.race ? 'race' : 'counts']), [[40, 'race'], [30, 'counts']]);
    assert.deepEqual(Object.values(lines[1].counts.races), [2]);
  });

  test('ASYNCRACE_SAMPLE: a sampled run finds the race in the tasks it tracks, counts no more than happened; a bad value is named and ignored', async () => {
    const program = [
      'let balance = 0;',
      'async function credit() { const current = balance; await null; balance = current + 1; }',
      'Promise.all(Array.from({ length: 400 }, credit)).then(() => console.log(balance));',
    ].join('\n');
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'credit.js'), program);
    const runSampled = async (sample) => {
      const log = path.join(dir, `races-${sample}.ndjson`);
      const result = await run(['--require', REGISTER, 'credit.js'], { cwd: dir, env: cleanEnv({ ASYNCRACE_SAMPLE: sample, ASYNCRACE_LOG: log }) });
      assert.equal(result.stdout, '1\n');
      return { result, counts: readReportLines(log).filter((l) => l.counts).map((l) => Object.values(l.counts.races)[0]) };
    };
    const [sampled, bad] = await Promise.all([runSampled('0.25'), runSampled('all')]);
    assert.equal(sampled.counts.length, 1, 'the race was found');
    assert.ok(sampled.counts[0] > 0 && sampled.counts[0] < 399, `a share of the 399 occurrences: ${sampled.counts[0]}`);
    assert.equal(bad.result.stderr, 'asyncrace: ignoring ASYNCRACE_SAMPLE=all: expected a number above 0 and at most 1\n');
    assert.deepEqual(bad.counts, [399], 'every task tracked');
  });
});
