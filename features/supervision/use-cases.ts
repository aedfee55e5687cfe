/** Supervision: the statistics supervisors read, and the open-work gauges operators scrape. */
import { REGIONS, type Actor, type Region } from '../../domain/model';
import type { TaskDoc } from '../../store/models';
import { isSupervisor } from '../access';
import type { AppContext } from '../context';
import { AppError } from '../errors';
import { computeStats, type Stats } from './stats';

/** `GET /v1/stats` (supervisors). */
export function readStats(ctx: AppContext, actor: Actor): Promise<Stats> {
  if (!isSupervisor(actor)) throw AppError.forbidden('only supervisors read statistics');
  return computeStats(ctx.models, ctx.now(), ctx.config.timeModel);
}

/** Open tasks by region, all or only those past their due date (open work is a small set). */
export async function openTasksByRegion(ctx: AppContext, overdueOnly: boolean): Promise<Record<Region, number>> {
  const open = await ctx.models.Task.find({ status: 'open' }, { region: 1, dueAt: 1 }).lean<TaskDoc[]>();
  const now = ctx.now().getTime();
  const counts = Object.fromEntries(REGIONS.map((r) => [r, 0])) as Record<Region, number>;
  for (const t of open) if (!overdueOnly || (t.dueAt !== null && Date.parse(t.dueAt) < now)) counts[t.region]++;
  return counts;
}
