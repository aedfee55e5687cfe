/** Supervision: the statistics supervisors read, and the open-work gauges operators scrape. */
import type { Actor, Region } from '../../domain/model';
import { isSupervisor } from '../access';
import type { AppContext } from '../context';
import { AppError } from '../errors';
import { computeStats, type Stats } from './stats';

/** `GET /v1/stats` (supervisors). */
export function readStats(ctx: AppContext, actor: Actor): Promise<Stats> {
  if (!isSupervisor(actor)) throw AppError.forbidden('only supervisors read statistics');
  return computeStats(ctx.models, ctx.now(), ctx.config.timeModel);
}

/** Open tasks by region, all or only those past their due date (from the statistics' counters). */
export async function openTasksByRegion(ctx: AppContext, overdueOnly: boolean): Promise<Record<Region, number>> {
  const { tasks } = await computeStats(ctx.models, ctx.now());
  return (overdueOnly ? tasks.overdue.byRegion : tasks.open.byRegion) as Record<Region, number>;
}
