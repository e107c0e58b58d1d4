'use strict';
// Which files are instrumented: by default the working directory's own, never node_modules; include
// and exclude globs from the CLI, the environment and package.json narrow or widen that.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { test } = require('node:test');
const { asyncrace, tempDir } = require('./helpers/run');
const { readReportLines } = require('./helpers/report');
const { userFileMatcher } = require('../dist/src/hooks/files');

/** A lost update in a module of its own: reported at `file` when that file is instrumented. */
const RACY = `let balance = 0;
const io = () => new Promise((resolve) => setImmediate(resolve));
async function credit() {
  const current = balance;
  await io();
  balance = current + 1;
}
module.exports = () => Promise.all([credit(), credit()]);
`;

function project(packageJson = {}) {
  const dir = tempDir();
  const write = (file, text) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
  write('package.json', JSON.stringify({ name: 'selection', private: true, ...packageJson }));
  write('src/a.js', RACY);
  write('lib/b.js', RACY);
  write('node_modules/pkg/index.js', RACY);
  write('app.js', "Promise.all([require('./src/a')(), require('./lib/b')(), require('pkg')()]).then(() => console.log('done'));\n");
  return dir;
}

/** The files races were reported in, sorted. */
function racedFiles(dir, args, env = {}) {
  const log = path.join(dir, 'races.ndjson');
  fs.rmSync(log, { force: true }); // appended to by every run
  const result = asyncrace(['run', '--log', log, ...args, '--', process.execPath, 'app.js'], { cwd: dir, env: { ...process.env, ...env } });
  assert.equal(result.stdout, 'done\n', result.stderr);
  const files = readReportLines(log).filter((l) => l.race).map((l) => l.race.write.site.split(':')[0]);
  return { files: [...new Set(files)].sort(), stderr: result.stderr };
}

test('by default the working directory is instrumented, node_modules is not', () => {
  assert.deepEqual(racedFiles(project(), []).files, ['lib/b.js', 'src/a.js']);
});

test('--include narrows to the files its globs match; --exclude always wins', () => {
  const dir = project();
  assert.deepEqual(racedFiles(dir, ['--include', 'src/**']).files, ['src/a.js']);
  assert.deepEqual(racedFiles(dir, ['--exclude', 'lib/**']).files, ['src/a.js']);
  assert.deepEqual(racedFiles(dir, ['--include', 'src/**', '--include', 'lib/**', '--exclude', 'src/*.js']).files, ['lib/b.js']);
});

test('a package in node_modules is instrumented only when an include glob names it', () => {
  const dir = project();
  assert.deepEqual(racedFiles(dir, ['--include', '**']).files, ['lib/b.js', 'src/a.js']);
  assert.deepEqual(racedFiles(dir, ['--include', 'node_modules/pkg/**', '--include', 'src/**']).files, ['node_modules/pkg/index.js', 'src/a.js']);
});

test('ASYNCRACE_INCLUDE/ASYNCRACE_EXCLUDE and package.json add up with the flags', () => {
  const dir = project({ asyncrace: { exclude: ['lib/**'] } });
  assert.deepEqual(racedFiles(dir, []).files, ['src/a.js']);
  assert.deepEqual(racedFiles(dir, [], { ASYNCRACE_EXCLUDE: 'src/**' }).files, []);
  assert.deepEqual(racedFiles(project({ asyncrace: { include: 'lib/**,src/**' } }), ['--exclude', 'src/**']).files, ['lib/b.js']);
});

test('a bad package.json setting is named in one line and ignored', () => {
  const { files, stderr } = racedFiles(project({ asyncrace: { exclude: 3 } }), []);
  assert.deepEqual(files, ['lib/b.js', 'src/a.js']);
  assert.match(stderr, /^asyncrace: ignoring .*package\.json: asyncrace\.exclude must be a string or an array of strings$/m);
});

test('an empty --include is a usage error', () => {
  const result = asyncrace(['run', '--include', '', '--', process.execPath, '-e', '0']);
  assert.equal(result.status, 2);
  assert.equal(result.stderr, 'asyncrace: bad --include: an empty glob\n');
});

test('the matcher: relative globs, files outside the root only by include, asyncrace itself never', () => {
  const root = path.join(path.sep, 'work', 'app');
  const file = (relative) => path.join(root, ...relative.split('/'));
  const match = (selection, relative) => userFileMatcher(root, { include: [], exclude: [], problems: [], ...selection })(file(relative));
  assert.equal(match({}, 'src/x.js'), true);
  assert.equal(match({}, '../shared/y.js'), false);
  assert.equal(match({ include: ['../shared/**'] }, '../shared/y.js'), true);
  assert.equal(match({ include: ['**/*.js'] }, 'node_modules/p/i.js'), false);
  assert.equal(match({ include: ['node_modules/p/**'] }, 'node_modules/p/i.js'), true);
  assert.equal(match({ include: ['node_modules/p/**'], exclude: ['**/i.js'] }, 'node_modules/p/i.js'), false);
  assert.equal(userFileMatcher(root, { include: ['**'], exclude: [], problems: [] })(require.resolve('../dist/src/runtime')), false);
});
