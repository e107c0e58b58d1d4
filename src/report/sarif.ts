import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { raceMessage } from '../reporter/message';
import { interleaving, type Lane, type Step } from './interleaving';
import type { GroupedRace, GroupedReport } from './model';
import { parseSite, type RenderOptions } from './render-options';

const { name: TOOL, version: VERSION } = require('../../../package.json') as { name: string; version: string };

const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
/** The base every artifact URI is relative to: the directory the logs' sites are relative to. */
const SRCROOT = '%SRCROOT%';

type Json = Record<string, unknown>;

/** One rule per race kind: what code-scanning tools show as the alert's title and help. */
const RULES: Record<GroupedRace['kind'], Json> = {
  'lost-update': {
    id: 'lost-update',
    name: 'LostUpdateAcrossAwait',
    shortDescription: { text: 'Lost update across await' },
    fullDescription: {
      text:
        'A task read a shared location, awaited, and then wrote the location with a value computed from that read, ' +
        'while another task had written it in between: the other task\'s write was lost.',
    },
    help: {
      text:
        'Between the read and the write the task passed an await, and another task wrote the same location meanwhile. ' +
        'Re-read the value after the await and compute the new value from it in the same synchronous step ' +
        '(balance += amount after awaiting), or serialise the tasks that update it (a mutex or a queue).',
      markdown:
        'Between the read and the write the task passed an `await`, and another task wrote the same location meanwhile.\n\n' +
        '- Re-read the value after the `await` and compute the new value from it in the same synchronous step ' +
        '(`balance += amount` after awaiting), or\n- serialise the tasks that update it (a mutex or a queue).',
    },
    defaultConfiguration: { level: 'warning' },
    properties: { tags: ['concurrency', 'race-condition', 'async'], precision: 'high' },
  },
  'stale-check': {
    id: 'stale-check',
    name: 'StaleCheckAcrossAwait',
    shortDescription: { text: 'Check-then-act on a stale read across await' },
    fullDescription: {
      text:
        'A task read a shared location, awaited, and then wrote the location under a condition computed from that read, ' +
        'while another task had written it in between: the check no longer held when the task acted on it.',
    },
    help: {
      text:
        'Between the check and the write the task passed an await, and another task wrote the same location meanwhile. ' +
        'Check again after the await, in the same synchronous step as the write, or serialise the tasks (a mutex or a queue).',
      markdown:
        'Between the check and the write the task passed an `await`, and another task wrote the same location meanwhile.\n\n' +
        '- Check again after the `await`, in the same synchronous step as the write, or\n' +
        '- serialise the tasks (a mutex or a queue).',
    },
    defaultConfiguration: { level: 'warning' },
    properties: { tags: ['concurrency', 'race-condition', 'async'], precision: 'high' },
  },
};
const RULE_IDS = Object.keys(RULES) as Array<GroupedRace['kind']>;

/** A site's file as a URI reference: relative to %SRCROOT% as the logs write it, or a file: URI when absolute. */
function artifactLocation(file: string): Json {
  if (path.isAbsolute(file)) return { uri: pathToFileURL(file).href };
  // Each segment percent-encoded: a space, `#` or `?` would break the URI, and a `:` would read as a scheme.
  return { uri: file.split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

function physicalLocation(site: string): Json {
  const parsed = parseSite(site);
  if (!parsed) return { artifactLocation: artifactLocation(site) };
  const location: Json = { artifactLocation: artifactLocation(parsed.file) };
  // A site the runtime could not place is written `unknown:0:0`: SARIF lines and columns start at 1.
  if (parsed.line >= 1) location.region = parsed.column >= 1 ? { startLine: parsed.line, startColumn: parsed.column } : { startLine: parsed.line };
  return location;
}

/** A stack frame as the report writes it: `fn (path:line:col)`, or a bare `path:line:col`. */
function stackFrame(frame: string): Json {
  const named = /^(.*) \((.+:\d+:\d+)\)$/.exec(frame);
  const site = named ? named[2] : frame;
  const location: Json = { physicalLocation: physicalLocation(site) };
  if (named) location.logicalLocations = [{ name: named[1], kind: 'function' }];
  return { location };
}

const LANE_ROLES: Record<Lane, string> = { this: 'the task that wrote from a stale read', other: 'the other task' };

/** `read: task 4 reads balance`. */
function describe(step: Step): string {
  return `${step.title}: task ${step.task} ${step.text}`;
}

function threadFlowLocation(step: Step): Json {
  const flowLocation: Json = {
    location: { physicalLocation: physicalLocation(step.site), message: { text: describe(step) } },
    executionOrder: step.order,
    importance: 'essential',
  };
  if (step.stack && step.stack.length > 0) flowLocation.stack = { frames: step.stack.map(stackFrame) };
  return flowLocation;
}

/** The two tasks as two thread flows; `executionOrder` interleaves their steps in time. */
function codeFlow(race: GroupedRace, steps: Step[]): Json {
  const lanes = Object.entries(LANE_ROLES).map(([lane, role]) => ({ role, steps: steps.filter((step) => step.lane === lane) }));
  return {
    message: { text: `${race.target.name}: read, await, another task's write, stale write` },
    threadFlows: lanes.map(({ role, steps: laneSteps }) => ({
      id: `task ${laneSteps[0].task}`,
      message: { text: `task ${laneSteps[0].task}: ${role}` },
      locations: laneSteps.map(threadFlowLocation),
    })),
  };
}

function result(race: GroupedRace): Json {
  const steps = interleaving(race);
  const related = steps.filter((step) => step.what !== 'write');
  return {
    ruleId: race.kind,
    ruleIndex: RULE_IDS.indexOf(race.kind),
    level: 'warning',
    message: { text: raceMessage(race) },
    locations: [{ physicalLocation: physicalLocation(race.write.site) }],
    relatedLocations: related.map((step, i) => ({
      id: i + 1,
      physicalLocation: physicalLocation(step.site),
      message: { text: describe(step) },
    })),
    codeFlows: [codeFlow(race, steps)],
    // The race id is stable across runs for the same kind, target, read and write: what makes two alerts one.
    partialFingerprints: { 'asyncraceRaceId/v1': race.id },
    occurrenceCount: race.count,
    properties: {
      raceId: race.id,
      count: race.count,
      target: race.target,
      firstSeen: new Date(race.firstSeen).toISOString(),
      lastSeen: new Date(race.lastSeen).toISOString(),
      hosts: race.hosts,
      pids: race.pids,
      tests: race.tests,
    },
  };
}

/** `asyncrace report --format sarif`: SARIF 2.1.0, one result per race, for code-scanning tools. */
export function renderSarif(report: GroupedReport, options: RenderOptions): string {
  const srcroot = pathToFileURL(options.cwd).href.replace(/\/?$/, '/');
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL,
            version: VERSION,
            semanticVersion: VERSION,
            informationUri: `https://www.npmjs.com/package/${TOOL}`,
            rules: RULE_IDS.map((id) => RULES[id]),
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: srcroot } },
        columnKind: 'utf16CodeUnits',
        results: report.races.map(result),
        properties: { skippedLines: report.skipped },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
