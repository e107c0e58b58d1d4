'use strict';
// `asyncrace report --format sarif`: real logs of several processes, mixed with other lines, give
// SARIF 2.1.0 that the official OASIS schema accepts, one result per race located at its write.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { before, test } = require('node:test');
const { asyncrace, tempDir, REPO } = require('./helpers/run');
const { raceLogLines, racesById } = require('./helpers/race-logs');
const { assertValidSarif, validateSarif } = require('./helpers/sarif');
const { RaceGrouper } = require('../dist/src/report/group');
const { createSourceReader } = require('../dist/src/report/render-options');
const { renderSarif } = require('../dist/src/report/sarif');

const SRCROOT = `${pathToFileURL(REPO).href}/`;

/** What a `path:line:col` site becomes: a URI relative to %SRCROOT% and a region. */
function expectedLocation(site) {
  const [, file, line, column] = /^(.+):(\d+):(\d+)$/.exec(site);
  return { artifactLocation: { uri: file, uriBaseId: '%SRCROOT%' }, region: { startLine: Number(line), startColumn: Number(column) } };
}

/** Every object with a `uri` under `value` (artifact locations, wherever they are). */
function artifactLocations(value, found = []) {
  if (Array.isArray(value)) value.forEach((item) => artifactLocations(item, found));
  else if (value && typeof value === 'object') {
    if (typeof value.uri === 'string') found.push(value);
    Object.values(value).forEach((item) => artifactLocations(item, found));
  }
  return found;
}

/** Lines a log holds besides asyncrace's: another logger's pino lines, plain output, broken JSON. */
const OTHER_LINES = [
  '{"level":30,"time":1764000000000,"pid":7,"hostname":"web-1","name":"app","msg":"listening on :3000"}',
  'plain text a program printed',
  '{"level":50,"time":1764000000001,"pid":7,"hostname":"web-1","name":"app","msg":"a race to the bottom"}',
  '{"race": "not a race report"}',
  '{"level":40,"time":17640',
];

const RUNS = [
  { fixture: 'weak-tracking', args: ['--stacks'] },
  { fixture: 'credit-2' },
  { fixture: 'credit-2' },
  { fixture: 'stale-check-stock' },
];

let raceLines;
let sarif;

before(async () => {
  raceLines = await raceLogLines(RUNS);
  const mixed = raceLines.flatMap((line, i) => [OTHER_LINES[i % OTHER_LINES.length], line]);
  const log = path.join(tempDir(), 'mixed.log');
  fs.writeFileSync(log, `${mixed.join('\n')}\n`);
  const result = asyncrace(['report', '--format', 'sarif', log], { cwd: REPO });
  assert.equal(result.status, 0, result.stderr);
  sarif = JSON.parse(result.stdout);
});

test('the SARIF is valid against the official SARIF 2.1.0 schema', () => {
  assertValidSarif(sarif);
  assert.equal(sarif.version, '2.1.0');
  assert.equal(sarif.runs.length, 1);
  assert.equal(sarif.runs[0].properties.skippedLines, raceLines.length, 'every other line is skipped');
});

test('the schema check is real: a broken result is rejected', () => {
  const broken = structuredClone(sarif);
  broken.runs[0].results[0].level = 'warn';
  broken.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
  assert.equal(validateSarif(broken), false);
  assert.deepEqual(validateSarif.errors.map((error) => error.instancePath).sort(), [
    '/runs/0/results/0/level',
    '/runs/0/results/0/locations/0/physicalLocation/region/startLine',
  ]);
});

test('the tool names itself and has one rule per race kind, with descriptions and help', () => {
  const { driver } = sarif.runs[0].tool;
  assert.equal(driver.name, 'asyncrace');
  assert.equal(driver.version, require('../package.json').version);
  assert.match(driver.informationUri, /^https:\/\//);
  assert.deepEqual(driver.rules.map((rule) => rule.id), ['lost-update', 'stale-check']);
  for (const rule of driver.rules) {
    for (const text of [rule.shortDescription.text, rule.fullDescription.text, rule.help.text, rule.help.markdown]) assert.ok(text.length > 10, rule.id);
    assert.equal(rule.defaultConfiguration.level, 'warning');
  }
});

test('one result per race id, located at its write, with the read, the await and the intervening write related', () => {
  const races = racesById(raceLines);
  const { results, tool } = sarif.runs[0];
  assert.deepEqual(results.map((result) => result.properties.raceId).sort(), [...races.keys()].sort());
  assert.equal(races.size, 4);
  for (const result of results) {
    const race = races.get(result.properties.raceId);
    assert.equal(result.ruleId, race.kind);
    assert.equal(tool.driver.rules[result.ruleIndex].id, race.kind);
    assert.equal(result.level, 'warning');
    assert.equal(result.message.text, race.msg, "the report's own message");
    assert.deepEqual(result.partialFingerprints, { 'asyncraceRaceId/v1': race.id });
    assert.deepEqual(result.locations, [{ physicalLocation: expectedLocation(race.write.site) }]);
    assert.deepEqual(
      result.relatedLocations.map((related) => related.physicalLocation),
      [race.read.site, race.await.site, race.intervening.site].map(expectedLocation),
    );
    assert.deepEqual(
      result.relatedLocations.map((related) => related.message.text.split(':')[0]),
      ['read', 'await', "other task's write"],
    );
  }
});

test('counts are summed over processes, as the json format counts them', () => {
  const expectedCount = new Map();
  for (const { fixture } of RUNS) {
    for (const race of require(`../fixtures/${fixture}/expected.json`).races) {
      expectedCount.set(race.target, (expectedCount.get(race.target) ?? 0) + race.count);
    }
  }
  for (const result of sarif.runs[0].results) {
    assert.equal(result.properties.count, expectedCount.get(result.properties.target.name), result.properties.target.name);
    assert.equal(result.occurrenceCount, result.properties.count);
  }
  const balance = sarif.runs[0].results.find((result) => result.properties.target.name === 'balance');
  assert.equal(balance.properties.pids.length, 2, 'credit-2 ran in two processes');
});

test('the code flow interleaves the two tasks: read, await, the other task\'s write, the stale write', () => {
  const races = racesById(raceLines);
  for (const result of sarif.runs[0].results) {
    const race = races.get(result.properties.raceId);
    assert.equal(result.codeFlows.length, 1);
    const [mine, other] = result.codeFlows[0].threadFlows;
    assert.deepEqual(mine.locations.map((step) => step.executionOrder), [1, 2, 4]);
    assert.deepEqual(other.locations.map((step) => step.executionOrder), [3]);
    assert.match(mine.message.text, new RegExp(`^task ${race.read.task}:`));
    assert.match(other.message.text, new RegExp(`^task ${race.intervening.task}:`));
    const inTimeOrder = [...mine.locations, ...other.locations].sort((a, b) => a.executionOrder - b.executionOrder);
    assert.deepEqual(
      inTimeOrder.map((step) => step.location.physicalLocation),
      [race.read.site, race.await.site, race.intervening.site, race.write.site].map(expectedLocation),
    );
    // --stacks: each access's stack comes along, frame by frame.
    for (const [step, access] of [[inTimeOrder[0], race.read], [inTimeOrder[2], race.intervening], [inTimeOrder[3], race.write]]) {
      assert.equal(step.stack?.frames.length, access.stack?.length, `stack of ${race.target.name}`);
    }
  }
});

test('URIs are relative to %SRCROOT%, the working directory, and name the real files', () => {
  const { originalUriBaseIds } = sarif.runs[0];
  assert.deepEqual(originalUriBaseIds, { '%SRCROOT%': { uri: SRCROOT } });
  const locations = artifactLocations(sarif.runs[0].results);
  assert.ok(locations.length > 20);
  for (const location of locations) {
    assert.equal(location.uriBaseId, '%SRCROOT%');
    assert.doesNotMatch(location.uri, /^([a-z]+:|\/)/, 'relative');
    assert.ok(fs.existsSync(new URL(location.uri, SRCROOT)), location.uri);
  }
});

test('odd paths become valid URI references; a site the runtime could not place has no region', () => {
  const line = JSON.parse(raceLines.find((text) => JSON.parse(text).race?.kind === 'stale-check'));
  line.race.id = 'oddpaths0001';
  line.race.write.site = 'src/my app/a:b#1.ts:12:3';
  line.race.read.site = 'unknown:0:0';
  const grouper = new RaceGrouper();
  grouper.line(JSON.stringify(line));
  const odd = JSON.parse(renderSarif(grouper.result().report, { cwd: REPO, color: false, sources: createSourceReader(REPO) }));
  assertValidSarif(odd);
  const [result] = odd.runs[0].results;
  assert.deepEqual(result.locations[0].physicalLocation, {
    artifactLocation: { uri: 'src/my%20app/a%3Ab%231.ts', uriBaseId: '%SRCROOT%' },
    region: { startLine: 12, startColumn: 3 },
  });
  assert.deepEqual(result.relatedLocations[0].physicalLocation, { artifactLocation: { uri: 'unknown', uriBaseId: '%SRCROOT%' } });
});

test('no races: a valid log with an empty result list', () => {
  const empty = JSON.parse(renderSarif({ races: [], skipped: 2 }, { cwd: REPO, color: false, sources: createSourceReader(REPO) }));
  assertValidSarif(empty);
  assert.deepEqual(empty.runs[0].results, []);
});
