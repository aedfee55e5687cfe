/**
 * The supervisors' statistics (`GET /v1/stats`) as counters: what one review and one task add to
 * them as they stand (store/stats-counters.ts counts the difference each transition makes), and
 * the statistics the summed counters give at an instant. Pure code.
 *
 * Overdue work changes with the clock, not with events: open tasks and reviews in review are
 * counted by the hour (UTC) they fall due in, so that at any instant the hours wholly past are
 * overdue and only the hour under way needs its items counted one by one ({@link dueHourOf}).
 */
import { clockUsedMs, workingDayLength, type TimeModel } from './clock';
import {
  REGIONS,
  REVIEW_STATUSES,
  STAGES,
  TASK_KINDS,
  type ClockState,
  type Region,
  type ReviewStatus,
  type Stage,
  type TaskKind,
  type TaskStatus,
} from './model';

export type Tally = Record<string, number>;

/** The hour (UTC, `YYYY-MM-DDTHH`) an ISO instant falls in: a task's due hour, as stored and counted. */
export const dueHourOf = (iso: string): string => new Date(iso).toISOString().slice(0, 13);

/** A review as the statistics see it. */
export interface CountedReview {
  status: ReviewStatus;
  stage: Stage;
  originRegion: Region;
  clock?: ClockState;
  closedAt?: string;
  /** The earliest due date of its open work (ISO), or null. */
  earliestDueAt: string | null;
}

/** A task as the statistics see it. */
export interface CountedTask {
  status: TaskStatus;
  region: Region;
  kind: TaskKind;
  dueAt: string | null;
}

/**
 * What a review adds: one by status, stage and origin region; a concluded review (approved or
 * rejected) its timing (within its working-day limit, extensions included, at its conclusion);
 * a review in review its earliest due hour.
 */
export function reviewTally(r: CountedReview, model: TimeModel): Tally {
  const tally: Tally = { [`st|${r.status}`]: 1, [`sg|${r.stage}`]: 1, [`or|${r.originRegion}`]: 1 };
  if ((r.status === 'approved' || r.status === 'rejected') && r.clock && r.closedAt) {
    const dayMs = workingDayLength(model);
    const usedMs = clockUsedMs(r.clock, new Date(r.closedAt), model);
    tally[`cc|${r.originRegion}`] = 1;
    if (usedMs <= r.clock.limitWorkingDays * dayMs) tally[`ct|${r.originRegion}`] = 1;
    const days = Math.floor(usedMs / dayMs);
    if (days > 0) tally[`cw|${r.originRegion}`] = days;
  }
  if (r.status === 'in_review' && r.earliestDueAt) tally[`rd|${dueHourOf(r.earliestDueAt)}|${r.originRegion}`] = 1;
  return tally;
}

/** What a task adds: an open task one in its region, and one in its due hour, region and kind. */
export function taskTally(t: CountedTask): Tally {
  if (t.status !== 'open') return {};
  return {
    [`to|${t.region}`]: 1,
    ...(t.dueAt !== null && { [`td|${dueHourOf(t.dueAt)}|${t.region}|${t.kind}`]: 1 }),
  };
}

/** How the concluded reviews of one origin region kept to their limit. */
export interface StatsTiming {
  concluded: number;
  onTime: number;
  workingDaysUsed: number;
}

/** How the concluded reviews of one origin region kept to their limit, with the rates derived. */
export type ConcludedTiming = StatsTiming & { onTimeRate: number | null; averageWorkingDays: number | null };

/** The items of the hour under way, counted one by one: overdue when due before `at`. */
export interface HourUnderWay {
  tasks: { region: Region; kind: TaskKind; dueAt: string | null }[];
  reviews: { originRegion: Region; earliestDueAt: string | Date | null }[];
}

const zeros = (keys: readonly string[], counts: Tally) => Object.fromEntries(keys.map((k) => [k, counts[k] ?? 0]));
const total = (counts: Tally) => Object.values(counts).reduce((a, b) => a + b, 0);
const bump = (into: Tally, key: string, n: number) => {
  into[key] = (into[key] ?? 0) + n;
};

/** The statistics (`GET /v1/stats`) that the summed counters and the hour under way give at `at`. */
export function statsFromCounts(counts: Tally, at: Date, underWay: HourUnderWay) {
  const hour = at.toISOString().slice(0, 13);
  const byStatus: Tally = {};
  const byStage: Tally = {};
  const byOrigin: Tally = {};
  const timing: Record<string, Tally> = { cc: {}, ct: {}, cw: {} };
  const overdueReviews: Tally = {};
  const open: Tally = {};
  const overdueByRegion: Tally = {};
  const overdueByKind: Tally = {};
  for (const [key, n] of Object.entries(counts)) {
    if (n === 0) continue;
    const [family, a, b, c] = key.split('|');
    if (family === 'st') bump(byStatus, a, n);
    else if (family === 'sg') bump(byStage, a, n);
    else if (family === 'or') bump(byOrigin, a, n);
    else if (family === 'cc' || family === 'ct' || family === 'cw') bump(timing[family], a, n);
    else if (family === 'to') bump(open, a, n);
    // Hours wholly past are overdue; the hour under way is counted item by item below.
    else if (family === 'rd' && a < hour) bump(overdueReviews, b, n);
    else if (family === 'td' && a < hour) {
      bump(overdueByRegion, b, n);
      bump(overdueByKind, c, n);
    }
  }
  for (const t of underWay.tasks) {
    if (t.dueAt !== null && Date.parse(t.dueAt) < at.getTime()) {
      bump(overdueByRegion, t.region, 1);
      bump(overdueByKind, t.kind, 1);
    }
  }
  for (const r of underWay.reviews) {
    if (r.earliestDueAt !== null && new Date(r.earliestDueAt).getTime() < at.getTime())
      bump(overdueReviews, r.originRegion, 1);
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
            const t: StatsTiming = {
              concluded: timing.cc[region] ?? 0,
              onTime: timing.ct[region] ?? 0,
              workingDaysUsed: timing.cw[region] ?? 0,
            };
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

/** The supervisors' statistics. */
export type Stats = ReturnType<typeof statsFromCounts>;
