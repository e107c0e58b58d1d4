'use strict';
// Every fixture program runs plainly (TypeScript: as tsc built it) and under `asyncrace run`: stdout
// and exit status must be identical, and the races reported must be exactly the expected ones (kind,
// target, read and write lines, whether the link was inferred), each once, with a valid counts line
// (and the expected number of suppressed occurrences); safe fixtures must report nothing at all.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { describe, test } = require('node:test');
const { asyncrace, run, tempDir, REPO } = require('./helpers/run');
const { readReportLines, summarize } = require('./helpers/report');

const FIXTURES = path.join(REPO, 'fixtures');
const fixtures = fs
  .readdirSync(FIXTURES)
  .filter((name) => fs.existsSync(path.join(FIXTURES, name, 'expected.json')));

const byKey = (a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b));

// A fixture whose expected.json says `"plain": "tsc"` is TypeScript, which Node.js 20 cannot run: its
// plain run is of what the project's tsc builds from its tsconfig.json (into a temporary directory,
// beside a copy of its package.json so the output keeps its module type).
const TSC = path.join(REPO, 'node_modules', '.bin', 'tsc');
function runTscOutput(cwd, entry) {
  const out = tempDir('asyncrace-tsc-');
  const built = run(TSC, ['-p', cwd, '--outDir', out], { cwd });
  assert.equal(built.status, 0, `tsc failed:\n${built.stdout}`);
  if (fs.existsSync(path.join(cwd, 'package.json'))) fs.copyFileSync(path.join(cwd, 'package.json'), path.join(out, 'package.json'));
  return run(process.execPath, [entry.replace(/\.([mc]?)ts$/, '.$1js')], { cwd: out });
}

describe('fixtures', { concurrency: 4 }, () => {
  for (const name of fixtures) {
    test(name, () => {
      const cwd = path.join(FIXTURES, name);
      const expected = JSON.parse(fs.readFileSync(path.join(cwd, 'expected.json'), 'utf8'));
      const log = path.join(tempDir(), 'races.ndjson');

      const entry = expected.entry ?? 'app.js';
      // `"build": "tsc"`: a project compiled with its tsconfig.json (source maps on) and run from its output.
      if (expected.build === 'tsc') assert.equal(run(TSC, ['-p', cwd], { cwd }).status, 0, 'tsc build');
      const plain = expected.plain === 'tsc' ? runTscOutput(cwd, entry) : run(process.execPath, [entry], { cwd });
      const instrumented = asyncrace(['run', '--log', log, '--', process.execPath, entry], { cwd });

      assert.equal(plain.stdout, expected.stdout, 'plain stdout');
      assert.equal(instrumented.stdout, plain.stdout, 'instrumented stdout is byte-identical');
      assert.equal(plain.status, expected.exitCode ?? 0, 'plain exit status');
      assert.equal(instrumented.status, plain.status, 'instrumented exit status');

      const lines = readReportLines(log);
      // A race found through a value handed from one function to another says its link is inferred.
      const messages = lines.filter((l) => l.race).map((l) => l.msg);
      const races = summarize(lines).map((race, i) => ({ ...race, inferred: messages[i].endsWith('inferred)') }));
      const wanted = expected.races.map(({ kind, target, read, write, file = 'app.js', inferred = false }) => ({ kind, target, read, write, file, inferred }));
      assert.deepEqual(races.sort(byKey), wanted.sort(byKey), 'races reported');

      const ids = lines.filter((l) => l.race).map((l) => l.race.id);
      assert.equal(new Set(ids).size, ids.length, 'each race id reported once per process');
      const counts = lines.filter((l) => l.counts);
      const suppressed = expected.suppressed ?? 0;
      if (expected.races.length === 0 && suppressed === 0) {
        assert.equal(lines.length, 0, 'a safe program logs nothing');
        return;
      }
      assert.equal(counts.length, 1, 'one counts line per process');
      assert.equal(counts[0].counts.suppressed, suppressed, 'occurrences suppressed');
      const occurrences = Object.fromEntries(lines.filter((l) => l.race).map((l) => [l.race.target.name, counts[0].counts.races[l.race.id]]));
      for (const race of expected.races) assert.equal(occurrences[race.target], race.count, `occurrences of ${race.target}`);
    });
  }
});
