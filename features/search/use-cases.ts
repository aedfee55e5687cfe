/**
 * The console header's search: documents under review found by their title, their 受理编号, their
 * opinion number or, once issued, their 文号, among the reviews the caller may see.
 */
import type { Actor, ReviewStatus } from '../../domain/model';
import { queryTerms } from '../../domain/register';
import { afterReviewModels, type IssuanceDoc } from '../../store/after-review';
import type { ReviewDoc } from '../../store/models';
import type { RegisterRowDoc } from '../../store/register';
import { canSeeReview, draftingOrg, isSupervisor } from '../access';
import type { AppContext } from '../context';

export interface SearchHit {
  reviewId: string;
  documentId: string;
  title: string;
  region: ReviewDoc['originRegion'];
  status: ReviewStatus;
  registrationNumber?: string;
  opinionNumber?: string;
  documentNumber?: string;
}

/** How many rows are read before those the caller may not see are left out. */
const CANDIDATES = 200;

/**
 * `GET /v1/search`: the newest reviews first. A drafter (and nobody else) reads only their own
 * organisation's rows from the store; every row found is then checked as the review page checks it
 * (features/access.ts), so reviewers and signers find their own region's reviews and those their
 * region was consulted on.
 */
export async function search(ctx: AppContext, actor: Actor, query: { q: string; limit: number }): Promise<SearchHit[]> {
  const { Issuance } = await afterReviewModels(ctx.models);
  const onlyDrafter = actor.roles.every((r) => r === 'drafter');
  const org = draftingOrg(actor);
  if (onlyDrafter && org === undefined) return [];
  const scope = onlyDrafter ? { region: actor.region, org } : {};
  // A 文号 is found as written: it is not among the register's search terms.
  const issued = await Issuance.find({ documentNumber: query.q }, { documentNumber: 1 }).lean<
    Pick<IssuanceDoc, '_id' | 'documentNumber'>[]
  >();
  const byTerms = { terms: { $all: queryTerms(query.q) } };
  const rows = await ctx.models.RegisterRow.find(
    {
      ...scope,
      ...(issued.length > 0 ? { $or: [byTerms, { documentId: { $in: issued.map((i) => i._id) } }] } : byTerms),
    },
    { terms: 0, clock: 0 },
  )
    .sort({ receivedAt: -1, _id: -1 })
    .limit(CANDIDATES)
    .lean<RegisterRowDoc[]>();
  const visible = isSupervisor(actor) ? rows : await seenBy(ctx, actor, rows);
  const numbers = new Map(issued.map((i) => [i._id, i.documentNumber]));
  return visible.slice(0, query.limit).map((row) => {
    const documentNumber = numbers.get(row.documentId) ?? row.documentNumber;
    return {
      reviewId: row._id,
      documentId: row.documentId,
      title: row.title ?? '',
      region: row.region,
      status: row.status,
      ...(row.registrationNumber && { registrationNumber: row.registrationNumber }),
      ...(row.opinionNumber && { opinionNumber: row.opinionNumber }),
      ...(documentNumber && { documentNumber }),
    };
  });
}

/** The rows whose review `actor` may see, in their order. */
async function seenBy(ctx: AppContext, actor: Actor, rows: RegisterRowDoc[]): Promise<RegisterRowDoc[]> {
  if (rows.length === 0) return rows;
  const reviews = await ctx.models.Review.find(
    { _id: { $in: rows.map((r) => r._id) } },
    { originRegion: 1, org: 1, consultations: 1 },
  ).lean<Pick<ReviewDoc, '_id' | 'originRegion' | 'org' | 'consultations'>[]>();
  const seen = new Set(reviews.filter((r) => canSeeReview(actor, r)).map((r) => r._id));
  return rows.filter((r) => seen.has(r._id));
}
