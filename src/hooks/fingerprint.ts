import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The compiled files whose code decides what the transform outputs: the plugin, and these hooks. */
const PLUGIN_DIR = path.resolve(__dirname, '..', '..', 'babel-plugin');
const HOOK_FILES = ['transform.js', 'typescript.js'].map((file) => path.join(__dirname, file));

/** The Babel packages whose versions change the output: each resolved from the one that needs it. */
const BABEL_PACKAGES: ReadonlyArray<readonly [name: string, from: string]> = [
  ['@babel/core', __dirname],
  ['@babel/parser', '@babel/core'],
  ['@babel/generator', '@babel/core'],
  ['@babel/traverse', '@babel/core'],
  ['@babel/preset-typescript', __dirname],
  ['@babel/plugin-transform-typescript', '@babel/preset-typescript'],
  ['@babel/plugin-proposal-decorators', __dirname],
  ['@babel/plugin-transform-class-properties', __dirname],
  ['@babel/plugin-transform-private-methods', __dirname],
  ['@babel/plugin-transform-private-property-in-object', __dirname],
  ['@babel/plugin-transform-class-static-block', __dirname],
];

let fingerprint: string | undefined;

/**
 * What a cached transform depends on besides its file and options: asyncrace's version, the code of
 * its transform (so an edited plugin never runs from entries of the old one, even with the same
 * version) and the versions of Babel's packages. Computed once per process, without loading Babel.
 */
export function transformFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  const hash = createHash('sha256');
  hash.update((require('../../../package.json') as { version: string }).version);
  const pluginFiles = fs.readdirSync(PLUGIN_DIR).filter((file) => file.endsWith('.js')).sort().map((file) => path.join(PLUGIN_DIR, file));
  for (const file of [...pluginFiles, ...HOOK_FILES]) hash.update(fs.readFileSync(file));
  for (const [name, from] of BABEL_PACKAGES) hash.update(`${name}@${packageVersion(name, from)}`);
  fingerprint = hash.digest('hex');
  return fingerprint;
}

function packageVersion(name: string, from: string): string {
  const base = from.startsWith('@') ? path.dirname(require.resolve(`${from}/package.json`)) : from;
  const file = require.resolve(`${name}/package.json`, { paths: [base] });
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}
