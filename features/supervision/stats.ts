/**
 * The supervisors' statistics (`GET /v1/stats`), at a cost that does not grow with the archive.
 * Work in progress (reviews in review, open tasks) is a small set, counted as it stands. Closed
 * reviews never change again, so the counts of a month whose reviews have all closed are kept in
 * `statsMonths` once computed; only months with a review still in progress are counted afresh.
 * Concluded reviews (approved or rejected) also give each origin region's on-time rate and working
 * days used: within the review's working-day limit (extensions included) at its conclusion.
 */
import { clockUsedMs, workingDayLength, type TimeModel } from '../../domain/clock';
import { REGIONS, REVIEW_STATUSES, STAGES, TASK_KINDS, type Region } from '../../domain/model';
import type { Models, ReviewDoc, StatsTiming, TaskDoc } from '../../store/models';
import { firstReviewMonth, monthOf } from '../../store/models';

type Counts = Record<string, number>;

/** The counts of one month's reviews: by status, by stage, by origin region, and their timing. */
interface MonthCounts {
  byStatus: Counts;
  byStage: Counts;
  byOriginRegion: Counts;
  timing: Partial<Record<Region, StatsTiming>>;
}

type CountedReview = Pick<ReviewDoc, 'status' | 'stage' | 'originRegion' | 'clock' | 'closedAt'>;

const add = (into: Counts, key: string, n = 1) => {
  into[key] = (into[key] ?? 0) + n;
};
const zeros = (keys: readonly string[], counts: Counts) => Object.fromEntries(keys.map((k) => [k, counts[k] ?? 0]));
const total = (counts: Counts) => Object.values(counts).reduce((a, b) => a + b, 0);
const noTiming = (): StatsTiming => ({ concluded: 0, onTime: 0, workingDaysUsed: 0 });

function addTiming(into: MonthCounts['timing'], region: Region, t: StatsTiming): void {
  const sum = (into[region] ??= noTiming());
  sum.concluded += t.concluded;
  sum.onTime += t.onTime;
  sum.workingDaysUsed += t.workingDaysUsed;
}

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

function countMonth(reviews: CountedReview[], model: TimeModel): MonthCounts {
  const counts: MonthCounts = { byStatus: {}, byStage: {}, byOriginRegion: {}, timing: {} };
  const dayMs = workingDayLength(model);
  for (const r of reviews) {
    add(counts.byStatus, r.status);
    add(counts.byStage, r.stage);
    add(counts.byOriginRegion, r.originRegion);
    if ((r.status === 'approved' || r.status === 'rejected') && r.clock && r.closedAt) {
      const usedMs = clockUsedMs(r.clock, new Date(r.closedAt), model);
      addTiming(counts.timing, r.originRegion, {
        concluded: 1,
        onTime: usedMs <= r.clock.limitWorkingDays * dayMs ? 1 : 0,
        workingDaysUsed: Math.floor(usedMs / dayMs),
      });
    }
  }
  return counts;
}

/** How the concluded reviews of one origin region kept to their limit, with the rates derived. */
export type ConcludedTiming = StatsTiming & { onTimeRate: number | null; averageWorkingDays: number | null };

/** The supervisors' statistics (`GET /v1/stats`; api/views.ts checks them against the documented shape). */
export type Stats = Awaited<ReturnType<typeof computeStats>>;

export async function computeStats(models: Models, at: Date, model: TimeModel) {
  const first = await firstReviewMonth(models);
  const current = monthOf(at);
  const kept = new Map((await models.StatsMonth.find({}).lean()).map((m) => [m._id, m.counts]));
  const reviews: MonthCounts = { byStatus: {}, byStage: {}, byOriginRegion: {}, timing: {} };
  for (let month = first ?? nextMonth(current); month <= current; month = nextMonth(month)) {
    let counts = kept.get(month);
    // Months kept before timing was counted are counted again (and kept with it).
    if (!counts?.timing) {
      const docs = await models.Review.find(
        { month },
        { status: 1, stage: 1, originRegion: 1, clock: 1, closedAt: 1 },
      ).lean<CountedReview[]>();
      counts = countMonth(docs, model);
      // A past month whose reviews have all closed will not change again.
      if (month < current && !docs.some((r) => r.status === 'in_review')) {
        await models.StatsMonth.updateOne({ _id: month }, { $set: { counts } }, { upsert: true });
      }
    }
    for (const [key, into] of [
      ['byStatus', reviews.byStatus],
      ['byStage', reviews.byStage],
      ['byOriginRegion', reviews.byOriginRegion],
    ] as const) {
      for (const [k, n] of Object.entries(counts[key])) add(into, k, n);
    }
    for (const [region, timing] of Object.entries(counts.timing ?? {}) as [Region, StatsTiming][]) {
      addTiming(reviews.timing, region, timing);
    }
  }

  const [inReview, openTasks] = await Promise.all([
    models.Review.find({ status: 'in_review' }, { originRegion: 1, earliestDueAt: 1 }).lean<ReviewDoc[]>(),
    models.Task.find({ status: 'open' }, { region: 1, kind: 1, dueAt: 1 }).lean<TaskDoc[]>(),
  ]);
  const overdueReviews: Counts = {};
  for (const r of inReview) if (r.earliestDueAt && r.earliestDueAt < at) add(overdueReviews, r.originRegion);
  const open: Counts = {};
  const overdueByRegion: Counts = {};
  const overdueByKind: Counts = {};
  for (const t of openTasks) {
    add(open, t.region);
    if (t.dueAt !== null && Date.parse(t.dueAt) < at.getTime()) {
      add(overdueByRegion, t.region);
      add(overdueByKind, t.kind);
    }
  }
  return {
    at: at.toISOString(),
    reviews: {
      total: total(reviews.byStatus),
      byStatus: zeros(REVIEW_STATUSES, reviews.byStatus),
      byStage: zeros(STAGES, reviews.byStage),
      byOriginRegion: zeros(REGIONS, reviews.byOriginRegion),
      overdue: { total: total(overdueReviews), byOriginRegion: zeros(REGIONS, overdueReviews) },
      concluded: {
        byOriginRegion: Object.fromEntries(
          REGIONS.map((region) => {
            const t = reviews.timing[region] ?? noTiming();
            return [
              region,
              {
                ...t,
                onTimeRate: t.concluded ? t.onTime / t.concluded : null,
                averageWorkingDays: t.concluded ? t.workingDaysUsed / t.concluded : null,
              },
            ];
          }),
        ) as Record<Region, ConcludedTiming>,
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
