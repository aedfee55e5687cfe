/**
 * The supervisors' statistics counted independently of the counters: by reading every stored
 * review and open task, as `GET /v1/stats` did before it read counters.
 */
import { clockUsedMs, workingDayLength, type TimeModel } from '../../domain/clock';
import { REGIONS, REVIEW_STATUSES, STAGES, TASK_KINDS } from '../../domain/model';
import type { Models, ReviewDoc, TaskDoc } from '../../store/models';

type Counts = Record<string, number>;
const add = (into: Counts, key: string, n = 1) => {
  into[key] = (into[key] ?? 0) + n;
};
const zeros = (keys: readonly string[], counts: Counts) => Object.fromEntries(keys.map((k) => [k, counts[k] ?? 0]));
const total = (counts: Counts) => Object.values(counts).reduce((a, b) => a + b, 0);

/** The statistics at `at`, from a scan of the stored reviews and open tasks. */
export async function statsFromStore(models: Models, at: Date, model: TimeModel) {
  const [reviews, tasks] = await Promise.all([
    models.Review.find({}).lean<ReviewDoc[]>(),
    models.Task.find({ status: 'open' }).lean<TaskDoc[]>(),
  ]);
  const byStatus: Counts = {};
  const byStage: Counts = {};
  const byOrigin: Counts = {};
  const overdueReviews: Counts = {};
  const timing: Record<string, { concluded: number; onTime: number; workingDaysUsed: number }> = {};
  const dayMs = workingDayLength(model);
  for (const r of reviews) {
    add(byStatus, r.status);
    add(byStage, r.stage);
    add(byOrigin, r.originRegion);
    if (r.status === 'in_review' && r.earliestDueAt && r.earliestDueAt < at) add(overdueReviews, r.originRegion);
    if ((r.status === 'approved' || r.status === 'rejected') && r.clock && r.closedAt) {
      const usedMs = clockUsedMs(r.clock, new Date(r.closedAt), model);
      const t = (timing[r.originRegion] ??= { concluded: 0, onTime: 0, workingDaysUsed: 0 });
      t.concluded += 1;
      t.onTime += usedMs <= r.clock.limitWorkingDays * dayMs ? 1 : 0;
      t.workingDaysUsed += Math.floor(usedMs / dayMs);
    }
  }
  const open: Counts = {};
  const overdueByRegion: Counts = {};
  const overdueByKind: Counts = {};
  for (const t of tasks) {
    add(open, t.region);
    if (t.dueAt !== null && Date.parse(t.dueAt) < at.getTime()) {
      add(overdueByRegion, t.region);
      add(overdueByKind, t.kind);
    }
  }
  return {
    at: at.toISOString(),
    reviews: {
      total: total(byStatus),
      byStatus: zeros(REVIEW_STATUSES, byStatus),
      byStage: zeros(STAGES, byStage),
      byOriginRegion: zeros(REGIONS, byOrigin),
      overdue: { total: total(overdueReviews), byOriginRegion: zeros(REGIONS, overdueReviews) },
      concluded: {
        byOriginRegion: Object.fromEntries(
          REGIONS.map((region) => {
            const t = timing[region] ?? { concluded: 0, onTime: 0, workingDaysUsed: 0 };
            return [
              region,
              {
                ...t,
                onTimeRate: t.concluded ? t.onTime / t.concluded : null,
                averageWorkingDays: t.concluded ? t.workingDaysUsed / t.concluded : null,
              },
            ];
          }),
        ),
      },
    },
    tasks: {
      open: { total: total(open), byRegion: zeros(REGIONS, open) },
      overdue: {
        total: total(overdueByRegion),
        byRegion: zeros(REGIONS, overdueByRegion),
        byKind: zeros(TASK_KINDS, overdueByKind),
      },
    },
  };
}

/**
 * Expects `GET /v1/stats` (through `read`) to equal the count made from the store at the instant
 * it answers for; work moving meanwhile (timers under compressed time) is read again, up to 15 s.
 */
export async function expectStatsEqualStore(
  read: () => Promise<{ at: string }>,
  models: Models,
  model: TimeModel,
): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const served = await read();
    const counted = await statsFromStore(models, new Date(served.at), model);
    if (JSON.stringify(served) === JSON.stringify(counted) || Date.now() > deadline) {
      expect(served).toEqual(counted);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
