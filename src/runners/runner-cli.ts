import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { cacheDirectory } from '../hooks/cache';

/**
 * `asyncrace run -- npx jest` and `asyncrace run -- npx vitest run` with no asyncrace in the project's
 * config. jest's module registry and vitest's module runner load the user's files themselves, never
 * through the Node.js hooks `register` installs, so asyncrace has to be in the runner's own config.
 * `register` runs first in every process; when the process is jest's or vitest's CLI (its main
 * script), this puts `--config <generated file>` in place of the project's config before the CLI
 * reads its arguments. The generated file loads the project's config as the runner would have
 * (`--config`/`-c` if given) and adds asyncrace to it, or leaves it as it is when the project wires
 * asyncrace itself (jest-config.ts, vitest-config.ts). Workers run other scripts: this happens once
 * per run, in the process that reads the config.
 */
interface Runner {
  readonly name: 'jest' | 'vitest';
  /** The CLI's script, as the end of its real path. */
  readonly scripts: readonly string[];
  /** Options the generated config reads besides the config file (left in place): their spellings. */
  readonly reads: Readonly<Record<string, readonly string[]>>;
  /** The generated config's extension: one Node.js and the runner load as that module type. */
  readonly extension: '.cjs' | '.mjs';
  /** Its source: it hands `params` to `module`, asyncrace's code for the runner's config. */
  source(module: string, params: string): string;
}

const RUNNERS: readonly Runner[] = [
  {
    name: 'jest',
    scripts: [path.join('jest', 'bin', 'jest.js'), path.join('jest-cli', 'bin', 'jest.js')],
    reads: {},
    extension: '.cjs',
    source: (module, params) => `module.exports = () => require(${JSON.stringify(module)}).asyncraceJestConfig(${params});\n`,
  },
  {
    name: 'vitest',
    scripts: [path.join('vitest', 'vitest.mjs')],
    reads: { root: ['--root', '-r'], configLoader: ['--configLoader', '--config-loader'] },
    extension: '.mjs',
    // A require of a computed name: Vite's config bundler leaves it to Node.js at run time.
    source: (module, params) =>
      `import { createRequire } from 'node:module';\nconst load = createRequire(import.meta.url);\nexport default load(${JSON.stringify(module)}).asyncraceVitestConfig(${params});\n`,
  },
];

/** An option in a CLI's arguments. */
interface Occurrence {
  readonly at: number;
  readonly length: 1 | 2;
  /** Undefined when the option is last or followed by another option. */
  readonly value: string | undefined;
}

/** Where any of `names` appears in a CLI's own arguments (before `--`): `--name value`, `--name=value`. */
function occurrences(args: readonly string[], names: readonly string[]): Occurrence[] {
  const found: Occurrence[] = [];
  for (let i = 0; i < args.length && args[i] !== '--'; i++) {
    const arg = args[i]!;
    for (const name of names) {
      if (arg === name) {
        const next = args[i + 1];
        found.push(next === undefined || next.startsWith('-') ? { at: i, length: 1, value: undefined } : { at: i, length: 2, value: next });
      } else if (arg.startsWith(`${name}=`)) {
        found.push({ at: i, length: 1, value: arg.slice(name.length + 1) });
      }
    }
  }
  return found;
}

/** A problem that leaves the runner as it is, said in one line. */
class NotWired extends Error {}

/** The config file the project named (`--config`, `-c`), taken out of `args`; null when it named none. */
function takeConfig(args: string[]): string | null {
  if (occurrences(args, ['--no-config']).length > 0) throw new NotWired('--no-config leaves no config to add asyncrace to');
  const found = occurrences(args, ['--config', '-c']);
  if (found.some((occurrence) => occurrence.value === undefined)) throw new NotWired('--config has no value');
  for (const { at, length } of [...found].reverse()) args.splice(at, length);
  return found.at(-1)?.value ?? null;
}

/** The generated config: named by its content, written once (atomically: runs may start together). */
function writeConfig(runner: Runner, source: string): string {
  const name = `asyncrace-${runner.name}.config.${createHash('sha256').update(source).digest('hex').slice(0, 16)}${runner.extension}`;
  const file = path.join(cacheDirectory() ?? os.tmpdir(), name);
  if (!fs.existsSync(file)) {
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, source);
    fs.renameSync(temporary, file);
  }
  return file;
}

function runnerOf(script: string): Runner | undefined {
  return RUNNERS.find((runner) => runner.scripts.some((end) => script.endsWith(path.sep + end)));
}

/** mocha's CLI scripts: mocha loads files through Node's hooks, it only needs the root hooks that name tests. */
const MOCHA_SCRIPTS = [path.join('mocha', 'bin', 'mocha.js'), path.join('mocha', 'bin', '_mocha')];

/**
 * Called by `register` before the main script runs: wires jest's or vitest's CLI (a config), or
 * mocha's (`--require asyncrace/mocha`; a second copy from the project's .mocharc does nothing),
 * else does nothing.
 */
export function wireTestRunnerCli(argv: string[] = process.argv): void {
  if (!isMainThread || !argv[1]) return;
  let runner: Runner | undefined;
  try {
    const bin = fs.realpathSync(argv[1]);
    if (MOCHA_SCRIPTS.some((end) => bin.endsWith(path.sep + end))) {
      argv.splice(2, 0, '--require', require.resolve('./mocha'));
      return;
    }
    runner = runnerOf(bin);
    if (!runner) return;
    const args = argv.slice(2);
    const params: Record<string, unknown> = { bin, config: takeConfig(args) };
    for (const [key, names] of Object.entries(runner.reads)) params[key] = occurrences(args, names).at(-1)?.value ?? null;
    const module = require.resolve(`./${runner.name}-config`);
    const file = writeConfig(runner, runner.source(module, JSON.stringify(params)));
    // jest's --reporters replaces the config's reporters, asyncrace's among them: it is added back.
    if (runner.name === 'jest' && occurrences(args, ['--reporters']).length > 0) args.unshift(`--reporters=${require.resolve('./jest-reporter')}`);
    argv.splice(2, argv.length - 2, `--config=${file}`, ...args);
  } catch (error) {
    // The runner then runs as it would without asyncrace: it instruments nothing, and says so.
    if (runner) process.stderr.write(`asyncrace: ${runner.name} runs without asyncrace (nothing instrumented): ${error instanceof NotWired ? error.message : `its config could not be prepared (${String(error)})`}\n`);
  }
}
