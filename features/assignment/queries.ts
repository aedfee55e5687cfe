/** Store reads that deciding, the work list and notices share: who stands in for whom now. */
import type { AppContext } from '../context';

/**
 * The people `sub` stands in for at `at`: the delegators of every delegation to them that has begun,
 * has not reached its end and was not ended early.
 */
export async function delegatorsFor(ctx: AppContext, sub: string, at: Date): Promise<string[]> {
  const running = await ctx.models.Delegation.find(
    { delegateSub: sub, to: { $gt: at } },
    { delegatorSub: 1, from: 1, endedAt: 1 },
  )
    .limit(100)
    .lean();
  return [...new Set(running.filter((d) => d.from <= at && !d.endedAt).map((d) => d.delegatorSub))];
}
