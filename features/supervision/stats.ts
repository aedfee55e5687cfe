/**
 * The supervisors' statistics (`GET /v1/stats`), at a cost that does not grow with the archive or
 * with the open work: they are counters moved by every recorded transition
 * (store/stats-counters.ts; what a review and a task add: domain/stats-counters.ts), read with the
 * few items due in the hour under way. Concluded reviews (approved or rejected) give each origin
 * region's on-time rate and working days used: within the review's working-day limit (extensions
 * included) at its conclusion.
 */
import type { TimeModel } from '../../domain/clock';
import type { Stats } from '../../domain/stats-counters';
import type { Models } from '../../store/models';
import { readStatsCounters } from '../../store/stats-counters';

export type { ConcludedTiming, Stats } from '../../domain/stats-counters';

/**
 * The statistics at `at`. (`_model` is the time model the counters were timed with as they were
 * recorded; kept in the signature for the callers.)
 */
export function computeStats(models: Models, at: Date, _model?: TimeModel): Promise<Stats> {
  return readStatsCounters(models, at);
}
