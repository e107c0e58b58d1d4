'use strict';
// Headless Chromium for the HTML report tests: Debian's chromium through playwright-core (which
// downloads no browser), a page opened offline with everything that goes wrong on it recorded.
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { chromium } = require('playwright-core');
const { REPO } = require('./run');

/** Debian's Chromium; .ci/run installs it. */
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ARTIFACTS = path.join(REPO, 'test', 'artifacts');

/** Starts headless Chromium; rejects with a one-line hint when it is not installed. */
async function launchChromium() {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no ${CHROMIUM}: install Debian's chromium (apt-get install chromium), as .ci/run does`);
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/**
 * Loads the page `file` in a fresh context of `browser`. Nothing but file: URLs may load: any other
 * request is recorded and refused. Console errors and warnings and uncaught page errors are
 * recorded too: `problems` stays `{ console: [], pageErrors: [], requests: [] }` for a clean page.
 */
async function openOffline(browser, file, viewport = { width: 1280, height: 900 }) {
  const problems = { console: [], pageErrors: [], requests: [] };
  const context = await browser.newContext({ viewport });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    problems.requests.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('request', (request) => {
    if (!request.url().startsWith('file:')) problems.requests.push(request.url());
  });
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.console.push(message.text());
  });
  page.on('pageerror', (error) => problems.pageErrors.push(error.message));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, problems };
}

/** A full-page screenshot kept as test/artifacts/`name` (git-ignored): its path. */
async function saveScreenshot(page, name) {
  const file = path.join(ARTIFACTS, name);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

module.exports = { launchChromium, openOffline, saveScreenshot };
