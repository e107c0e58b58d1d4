'use strict';
// `asyncrace report --format html` in a real browser: the page made from real logs shows every race
// with its timeline and source, loads nothing from anywhere, and shows what a log says as text.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { after, before, test } = require('node:test');
const { launchChromium, openOffline, saveScreenshot } = require('./helpers/browser');
const { tempDir, REPO } = require('./helpers/run');
const { raceLogLines, racesById } = require('./helpers/race-logs');
const { RaceGrouper } = require('../dist/src/report/group');
const { createSourceReader } = require('../dist/src/report/render-options');
const { renderHtml } = require('../dist/src/report/html');

/** A target and a test named to break out of the page, were they not escaped. */
const HOSTILE_TARGET = '</script><img src=x onerror="window.pwned=1">';
const HOSTILE_TEST = 'checkout > <img src=x onerror="window.pwned=2"> & <u>underlined</u>';
const HOSTILE_SITE = 'src/"><script>window.pwned=3</script>.js:3:1';

/** A real report line turned hostile: the page must show these strings, not run them. */
function hostileLine(lines) {
  const line = JSON.parse(lines.find((text) => JSON.parse(text).race?.kind === 'stale-check'));
  line.race.id = 'hostile00001';
  line.race.target.name = HOSTILE_TARGET;
  line.race.read.site = HOSTILE_SITE;
  line.race.test = { file: 'test/shop.test.js', name: HOSTILE_TEST };
  return JSON.stringify(line);
}

let races;
let browser;
let page;
let problems;

before(async () => {
  const [lines] = await Promise.all([
    raceLogLines([{ fixture: 'weak-tracking', args: ['--stacks'] }, { fixture: 'stale-check-stock' }]),
    launchChromium().then((launched) => (browser = launched)),
  ]);
  const all = [...lines, hostileLine(lines)];
  races = racesById(all);
  const grouper = new RaceGrouper();
  for (const line of all) grouper.line(line);
  const file = path.join(tempDir(), 'report.html');
  fs.writeFileSync(file, renderHtml(grouper.result().report, { cwd: REPO, color: false, sources: createSourceReader(REPO) }));
  ({ page, problems } = await openOffline(browser, file));
});

after(async () => {
  await browser?.close();
});

test('the page loads with no errors and no request beyond its own file', () => {
  assert.deepEqual(problems, { console: [], pageErrors: [], requests: [] });
});

test('every race is shown: in the summary table and in a section of its own', async () => {
  assert.equal(races.size, 4);
  const sections = await page.$$eval('section.race', (nodes) => nodes.map((node) => node.dataset.raceId));
  assert.deepEqual(sections.sort(), [...races.keys()].sort());
  const summary = await page.$$eval('table.summary tbody tr', (rows) => rows.map((row) => row.cells[1].querySelector('code').textContent));
  assert.deepEqual(summary.sort(), [...races.values()].map((race) => race.target.name).sort());
});

test('each race has a timeline of four steps across two task columns, with the source around each site', async () => {
  for (const [id, race] of races) {
    const timeline = await page.$eval(`section[data-race-id="${id}"] table.timeline`, (table) => ({
      lanes: [...table.tHead.rows[0].cells].slice(1).map((cell) => cell.textContent),
      steps: [...table.tBodies[0].rows].map((row) => ({
        step: row.dataset.step,
        lane: [...row.cells].slice(1).findIndex((cell) => cell.querySelector('.step')),
        site: row.querySelector('.step .site').textContent,
        hit: row.querySelector('.step .hit')?.textContent ?? null,
      })),
    }));
    assert.deepEqual(timeline.lanes, [`this task (task ${race.read.task})`, `other task (task ${race.intervening.task})`]);
    assert.deepEqual(
      timeline.steps.map(({ step, lane, site }) => ({ step, lane, site })),
      [
        { step: 'read', lane: 0, site: race.read.site },
        { step: 'await', lane: 0, site: race.await.site },
        { step: 'intervening', lane: 1, site: race.intervening.site },
        { step: 'write', lane: 0, site: race.write.site },
      ],
    );
    // The marked line is the site's own line of the real file (the hostile read site has no file).
    for (const { site, hit } of timeline.steps) {
      if (site === HOSTILE_SITE) {
        assert.equal(hit, null);
        continue;
      }
      const [, file, line] = /^(.+):(\d+):\d+$/.exec(site);
      const text = fs.readFileSync(path.join(REPO, file), 'utf8').split('\n')[Number(line) - 1];
      assert.equal(hit, `${line}${text}`, site);
    }
  }
});

test('stacks are shown when the race carries them', async () => {
  const [id, race] = [...races].find(([, candidate]) => candidate.read.stack);
  const frames = await page.$$eval(`section[data-race-id="${id}"] tr[data-step="read"] details.stack li`, (items) => items.map((item) => item.textContent));
  assert.deepEqual(frames, race.read.stack);
});

test('names from the log are shown as text, never run as markup', async () => {
  const shown = await page.$eval('section[data-race-id="hostile00001"]', (section) => ({
    target: section.querySelector('h2 code').textContent,
    test: section.querySelector('.tests-list li').textContent,
    readSite: section.querySelector('tr[data-step="read"] .site').textContent,
  }));
  assert.deepEqual(shown, { target: HOSTILE_TARGET, test: `test/shop.test.js › ${HOSTILE_TEST}`, readSite: HOSTILE_SITE });
  assert.equal(await page.$$eval('img, u, main script', (nodes) => nodes.length), 0);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
});

test('a screenshot of the page is kept in test/artifacts', async () => {
  const screenshot = await saveScreenshot(page, 'report-html.png');
  assert.ok(fs.statSync(screenshot).size > 10_000);
});
