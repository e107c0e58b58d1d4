import type { GroupedRace } from './model';

/** Whose step it is: the task that wrote stale, or the task whose write it overwrote. */
export type Lane = 'this' | 'other';

/** One step of a race, as the two tasks took them. */
export interface Step {
  /** 1 to 4: the order in which the steps happened. */
  order: number;
  lane: Lane;
  what: 'read' | 'await' | 'intervening' | 'write';
  /** A short name for the step: `read`, `await`, `other task's write`, `stale write`. */
  title: string;
  site: string;
  /** The logical task that took the step (an await has none of its own: it is the reading task's). */
  task: number;
  /** Frames, innermost first, when the report carried them. */
  stack?: string[];
  /** What the task did there, a verb phrase naming the target (`reads balance`): its subject is the task. */
  text: string;
}

const STALE_WRITE: Record<GroupedRace['kind'], (target: string) => string> = {
  'lost-update': (target) => `writes ${target} with a value computed from its stale read: the other task's write is lost`,
  'stale-check': (target) => `writes ${target} under a condition computed from its stale read`,
};

/**
 * The interleaving every race is made of, in time order: this task reads, awaits, the other task
 * writes meanwhile, this task writes from its stale read. SARIF's code flow and the HTML timeline
 * both show these steps, so they tell the same story.
 */
export function interleaving(race: GroupedRace): Step[] {
  const target = race.target.name;
  const { read, intervening, write } = race;
  return [
    { order: 1, lane: 'this', what: 'read', title: 'read', site: read.site, task: read.task, stack: read.stack, text: `reads ${target}` },
    { order: 2, lane: 'this', what: 'await', title: 'await', site: race.await.site, task: read.task, text: 'awaits, letting other tasks run' },
    {
      order: 3,
      lane: 'other',
      what: 'intervening',
      title: "other task's write",
      site: intervening.site,
      task: intervening.task,
      stack: intervening.stack,
      text: `writes ${target} while task ${read.task} is suspended`,
    },
    { order: 4, lane: 'this', what: 'write', title: 'stale write', site: write.site, task: write.task, stack: write.stack, text: STALE_WRITE[race.kind](target) },
  ];
}
