'use strict';
// The command line as a user meets it: help, version, bad arguments, exit statuses, destinations.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { test } = require('node:test');
const { asyncrace, run, tempDir, REPO } = require('./helpers/run');
const { readReportLines, summarize } = require('./helpers/report');

const fixture = (name) => path.join(REPO, 'fixtures', name);
const { version } = require('../package.json');

test('--version prints the version', () => {
  const result = asyncrace(['--version']);
  assert.equal(result.status, 0);
  assert.equal(result.stdout, `${version}\n`);
});

test('--help and run --help describe the commands and options', () => {
  const top = asyncrace(['--help']);
  assert.equal(top.status, 0);
  assert.match(top.stdout, /run \[options\] <command\.\.\.>/);
  const sub = asyncrace(['run', '--help']);
  assert.equal(sub.status, 0);
  for (const option of ['--log <target>', '--fail-on-race', '--suppress <pattern>']) assert.ok(sub.stdout.includes(option), option);
});

for (const [args, message] of [
  [['run', '--bogus', '--', 'node', 'app.js'], "asyncrace: unknown option '--bogus'\n"],
  [['frobnicate'], "asyncrace: unknown command 'frobnicate'\n"],
  [['run'], "asyncrace: missing required argument 'command'\n"],
  [['run', '--log'], "asyncrace: option '--log <target>' argument missing\n"],
  [['run', '--log', '/nonexistent-dir/x.log', '--', 'node', '-e', '0'], 'asyncrace: cannot write the log file /nonexistent-dir/x.log: ENOENT\n'],
  [['run', '--mode', 'prod', '--', 'node', '-e', '0'], "asyncrace: bad --mode 'prod': expected 'dev' or 'staging'\n"],
  [['run', '--sample', '0', '--', 'node', '-e', '0'], "asyncrace: bad --sample '0': expected a number above 0 and at most 1\n"],
  [['run', '--counts-interval', 'soon', '--', 'node', '-e', '0'], "asyncrace: bad --counts-interval 'soon': expected a number of seconds above 0 and at most 2147483\n"],
]) {
  test(`bad arguments give one line and exit 2: ${args.join(' ')}`, () => {
    const result = asyncrace(args);
    assert.equal(result.status, 2);
    assert.equal(result.stderr, message);
    assert.equal(result.stdout, '');
  });
}

test('--mode, --sample and --counts-interval reach every process as ASYNCRACE_MODE, ASYNCRACE_SAMPLE, ASYNCRACE_COUNTS_INTERVAL', () => {
  const print = 'const e = process.env; console.log(e.ASYNCRACE_MODE, e.ASYNCRACE_SAMPLE, e.ASYNCRACE_COUNTS_INTERVAL)';
  const result = asyncrace(['run', '--mode', 'staging', '--sample', '0.25', '--counts-interval', '30', '--', 'node', '-e', print]);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, 'staging 0.25 30\n');
});

test('a command that does not exist gives one line and exit 127', () => {
  const result = asyncrace(['run', '--', 'no-such-command-asyncrace']);
  assert.equal(result.status, 127);
  assert.equal(result.stderr, 'asyncrace: command not found: no-such-command-asyncrace\n');
});

test('--fail-on-race: 66 when the command succeeded but raced, 0 when it did not race', () => {
  const cwd = fixture('credit-2');
  assert.equal(asyncrace(['run', '--fail-on-race', '--log', path.join(tempDir(), 'l'), '--', 'node', 'app.js'], { cwd }).status, 66);
  assert.equal(asyncrace(['run', '--fail-on-race', '--', 'node', 'app.js'], { cwd: fixture('safe-reread') }).status, 0);
});

test('without --fail-on-race a race does not change the exit status', () => {
  assert.equal(asyncrace(['run', '--', 'node', 'app.js'], { cwd: fixture('credit-2') }).status, 0);
});

test("the command's own failure wins over 66", () => {
  const result = asyncrace(['run', '--fail-on-race', '--', 'node', 'app.js'], { cwd: fixture('exit-after-race') });
  assert.equal(result.status, 3);
});

test('a race in a child process counts for --fail-on-race', () => {
  const result = asyncrace(['run', '--fail-on-race', '--', 'node', 'app.js'], { cwd: fixture('child-process') });
  assert.equal(result.status, 66);
});

test('reports go to stderr by default and never to stdout', () => {
  const result = asyncrace(['run', '--', 'node', 'app.js'], { cwd: fixture('credit-2') });
  assert.equal(result.stdout, 'balance: 1 (expected 2)\n');
  const log = path.join(tempDir(), 'stderr.ndjson');
  fs.writeFileSync(log, result.stderr);
  assert.equal(summarize(readReportLines(log)).length, 1);
});

test('--log stdout sends reports to stdout', () => {
  const result = asyncrace(['run', '--log', 'stdout', '--', 'node', 'app.js'], { cwd: fixture('credit-2') });
  assert.equal(result.stderr, '');
  const lines = result.stdout.split('\n');
  assert.ok(lines.includes('balance: 1 (expected 2)'));
  assert.equal(lines.filter((l) => l.includes('"race"')).length, 1);
});

test('ASYNCRACE_LOG is honoured by asyncrace run and by the register hook alike', () => {
  const dir = tempDir();
  const env = { ...process.env, ASYNCRACE_LOG: path.join(dir, 'a.ndjson') };
  asyncrace(['run', '--', 'node', 'app.js'], { cwd: fixture('credit-2'), env });
  run('node', ['--require', path.join(REPO, 'dist/src/hooks/register.js'), 'app.js'], {
    cwd: fixture('credit-2'),
    env: { ...process.env, ASYNCRACE_LOG: path.join(dir, 'b.ndjson') },
  });
  assert.equal(summarize(readReportLines(path.join(dir, 'a.ndjson'))).length, 1);
  assert.equal(summarize(readReportLines(path.join(dir, 'b.ndjson'))).length, 1);
});

test('a relative --log path is resolved against where asyncrace was started', () => {
  const dir = tempDir();
  asyncrace(['run', '--log', 'races.ndjson', '--', 'node', path.join(fixture('credit-2'), 'app.js')], { cwd: dir });
  assert.ok(fs.existsSync(path.join(dir, 'races.ndjson')));
});

test('a file Babel cannot parse is left to Node, which reports its own SyntaxError', () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'broken.js'), 'let balance = 0;\nbalance = ;\n');
  const plain = run(process.execPath, ['broken.js'], { cwd: dir });
  const instrumented = asyncrace(['run', '--', process.execPath, 'broken.js'], { cwd: dir });
  assert.equal(instrumented.status, plain.status);
  // The message and the source excerpt; the stack below it also shows the require hook's frames.
  const head = (stderr) => stderr.split('\n').slice(0, 5).join('\n');
  assert.match(head(plain.stderr), /broken\.js:2\nbalance = ;\n {10}\^\n\nSyntaxError: Unexpected token ';'/);
  assert.equal(head(instrumented.stderr), head(plain.stderr));
});
