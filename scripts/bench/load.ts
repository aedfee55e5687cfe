/**
 * Load shapes and their statistics: a closed loop (a fixed number of lanes, each starting its
 * next journey when the last ends: the most the system can do at that concurrency) and an open
 * loop (journeys started at a fixed rate whatever happens: a steady load for latency figures).
 */

/** Latency samples by operation name, in milliseconds. */
export class Latencies {
  private readonly samples = new Map<string, number[]>();
  /** Samples are kept only while recording (after the warm-up). */
  recording = true;

  add(op: string, ms: number): void {
    if (!this.recording) return;
    const list = this.samples.get(op);
    if (list) list.push(ms);
    else this.samples.set(op, [ms]);
  }

  of(op: string): number[] {
    return this.samples.get(op) ?? [];
  }

  ops(): string[] {
    return [...this.samples.keys()];
  }
}

export interface RunOutcome {
  /** Journeys that ended inside the measured window. */
  completed: number;
  /** Transitions (steps of a journey) that completed inside the measured window. */
  transitions: number;
  /** Those transitions in whole journeys: what a slow journey did inside the window counts too. */
  journeysDone: number;
  failed: number;
  seconds: number;
  /** Journeys per second, counted by their transitions (`journeysDone` per second). */
  perSecond: number;
  /** The first few failures, for the report. */
  errors: string[];
}

const MAX_ERRORS_KEPT = 5;

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Runs `journey` in `lanes` lanes for `warmupMs + durationMs`; counts the transitions (each
 * `step` the journey reports, `stepsPerJourney` in a whole one) and the journeys that end inside
 * the last `durationMs` (so the ramp-up is not measured), then waits for the ones in flight. A
 * window shorter than a journey still measures: its transitions count.
 */
export async function closedLoop(options: {
  lanes: number;
  warmupMs: number;
  durationMs: number;
  stepsPerJourney: number;
  journey: (lane: number, step: () => void) => Promise<void>;
  onMeasuring?: () => void;
}): Promise<RunOutcome> {
  const { lanes, warmupMs, durationMs, stepsPerJourney, journey } = options;
  const start = Date.now();
  const from = start + warmupMs;
  const until = from + durationMs;
  const timer = setTimeout(() => options.onMeasuring?.(), warmupMs);
  const inWindow = () => {
    const now = Date.now();
    return now >= from && now <= until;
  };
  let completed = 0;
  let transitions = 0;
  const step = () => {
    if (inWindow()) transitions++;
  };
  let failed = 0;
  const errors: string[] = [];
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      while (Date.now() < until) {
        try {
          await journey(lane, step);
          const end = Date.now();
          if (end >= from && end <= until) completed++;
        } catch (err) {
          failed++;
          if (errors.length < MAX_ERRORS_KEPT) errors.push(describe(err));
        }
      }
    }),
  );
  clearTimeout(timer);
  const journeysDone = transitions / stepsPerJourney;
  const seconds = durationMs / 1000;
  return { completed, transitions, journeysDone, failed, seconds, perSecond: journeysDone / seconds, errors };
}

/**
 * Starts `journey` `perSecond` times a second for `durationMs`, without waiting for earlier ones,
 * then waits for all of them. At most `maxInFlight` run at once: past that, starts are skipped and
 * counted (the system is not keeping up with the rate).
 */
export async function openLoop(options: {
  perSecond: number;
  durationMs: number;
  maxInFlight: number;
  journey: (n: number) => Promise<void>;
}): Promise<{ started: number; completed: number; failed: number; skipped: number; errors: string[] }> {
  const { perSecond, durationMs, maxInFlight, journey } = options;
  const interval = 1000 / perSecond;
  const start = Date.now();
  const running = new Set<Promise<void>>();
  let started = 0;
  let completed = 0;
  let failed = 0;
  let skipped = 0;
  const errors: string[] = [];
  for (let n = 0; ; n++) {
    const due = start + n * interval;
    if (due >= start + durationMs) break;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (running.size >= maxInFlight) {
      skipped++;
      continue;
    }
    started++;
    const run = journey(n).then(
      () => {
        completed++;
      },
      (err: unknown) => {
        failed++;
        if (errors.length < MAX_ERRORS_KEPT) errors.push(describe(err));
      },
    );
    running.add(run);
    void run.finally(() => running.delete(run));
  }
  await Promise.all(running);
  return { started, completed, failed, skipped, errors };
}
