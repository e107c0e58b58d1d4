'use strict';
// Real logs for the report tests: fixtures run under `asyncrace run`, each in its own process.
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { promisify } = require('node:util');
const { CLI, REPO, tempDir } = require('./run');

/**
 * Runs each `{ fixture, args }` as `asyncrace run <args> --log <file> -- node fixtures/<fixture>/app.js`
 * from the repository root (so sites read `fixtures/...`), all at once; resolves to the lines their
 * logs hold, run by run.
 */
async function raceLogLines(runs) {
  const dir = tempDir('asyncrace-report-');
  const logs = await Promise.all(
    runs.map(async ({ fixture, args = [] }, i) => {
      const log = path.join(dir, `${i}.log`);
      const app = path.join('fixtures', fixture, 'app.js');
      await promisify(execFile)(process.execPath, [CLI, 'run', ...args, '--log', log, '--', process.execPath, app], { cwd: REPO, timeout: 60_000 });
      return fs.readFileSync(log, 'utf8');
    }),
  );
  return logs.join('').split('\n').filter((line) => line !== '');
}

/** The `race` of each report line, first report first, once per id. */
function racesById(lines) {
  const races = new Map();
  for (const line of lines) {
    const parsed = JSON.parse(line);
    if (parsed.race && !races.has(parsed.race.id)) races.set(parsed.race.id, { ...parsed.race, msg: parsed.msg });
  }
  return races;
}

module.exports = { raceLogLines, racesById };
