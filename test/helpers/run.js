'use strict';
// Running programs plainly and under `asyncrace run`, capturing everything they print.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..', '..');
const CLI = path.join(REPO, 'dist', 'src', 'cli', 'main.js');

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000, ...options });
  if (result.error) throw result.error;
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

/** `asyncrace <args>` from this checkout. */
function asyncrace(args, options) {
  return run(process.execPath, [CLI, ...args], options);
}

/** `node <entry>` in `cwd`, plainly and under `asyncrace run` (its reports to a log file there). */
function runPlainAndInstrumented(cwd, entry) {
  const plain = run(process.execPath, [entry], { cwd });
  const instrumented = asyncrace(['run', '--log', path.join(cwd, 'races.log'), '--', process.execPath, entry], { cwd });
  return { plain, instrumented };
}

/**
 * This environment with `vars`, minus what would change a run behind a test's back: asyncrace
 * settings and NODE_OPTIONS inherited from whoever runs the tests (`asyncrace run -- npm test`), and
 * node:test's NODE_TEST_CONTEXT, which makes a nested `node --test` act as a child of this one.
 */
function cleanEnv(vars = {}) {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('ASYNCRACE_') || name === 'NODE_OPTIONS' || name === 'NODE_TEST_CONTEXT') delete env[name];
  return { ...env, ...vars };
}

const tempDirs = [];
process.on('exit', () => tempDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A fresh temporary directory, removed when the test process exits. */
function tempDir(prefix = 'asyncrace-test-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

module.exports = { run, asyncrace, runPlainAndInstrumented, cleanEnv, tempDir, REPO, CLI };
