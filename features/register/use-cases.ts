/**
 * The register (台账) and the year's figures, read from the projections the recording path keeps
 * (activities/register.ts): a page of rows, every row as a stream for the exports, a year's counters.
 */
import { annualFigures, sumCounts, type AnnualFigures } from '../../domain/annual-figures';
import { clockView } from '../../domain/clock';
import type { Actor, Region } from '../../domain/model';
import { queryTerms, type RegisterRow } from '../../domain/register';
import type { FigureBucketDoc, RegisterRowDoc } from '../../store/register';
import { isSupervisor } from '../access';
import type { AppContext } from '../context';
import { AppError } from '../errors';
import { decodeCursor, newestFirst, type Filter } from '../paging';

export interface RegisterQuery {
  region?: Region;
  year?: number;
  status?: string;
  q?: string;
}

/**
 * Who reads which register: supervisors every region's; reviewers and signers their own region's
 * (asking for another region is 403). Anyone else: 403.
 */
function regionFor(actor: Actor, asked: Region | undefined): Region | undefined {
  if (isSupervisor(actor)) return asked;
  if (!actor.roles.includes('reviewer') && !actor.roles.includes('signer')) {
    throw AppError.forbidden('只有监督人员和本地区的审核人员可以查阅台账');
  }
  if (asked !== undefined && asked !== actor.region) throw AppError.forbidden('只能查阅本地区的台账');
  return actor.region;
}

/** The store filter of a register query, flat so that each equality reaches an index. */
export function registerFilter(actor: Actor, query: RegisterQuery): Filter {
  const region = regionFor(actor, query.region);
  const terms = query.q ? queryTerms(query.q) : [];
  return {
    ...(query.year !== undefined && { year: query.year }),
    ...(region !== undefined && { region }),
    ...(query.status !== undefined && { status: query.status }),
    ...(terms.length > 0 && { terms: { $all: terms } }),
  };
}

/** A stored row as the API answers it; a running review's working days are counted at `now`. */
export function registerRowView(doc: RegisterRowDoc, ctx: Pick<AppContext, 'config'>, now: Date): RegisterRow {
  const workingDaysUsed =
    doc.workingDaysUsed ??
    (doc.clock
      ? clockView(doc.clock, doc.closedAt ? new Date(doc.closedAt) : now, ctx.config.timeModel).workingDaysUsed
      : 0);
  return {
    reviewId: doc._id,
    documentId: doc.documentId,
    region: doc.region,
    registrationNumber: doc.registrationNumber ?? null,
    opinionNumber: doc.opinionNumber ?? null,
    title: doc.title ?? '',
    draftingUnit: doc.org,
    status: doc.status,
    receivedAt: new Date(doc.receivedAt).toISOString(),
    acceptedAt: doc.acceptedAt ?? null,
    closedAt: doc.closedAt ?? null,
    conclusion: doc.conclusion ?? null,
    workingDaysUsed,
    extensions: doc.extensions ?? 0,
    extensionWorkingDays: doc.extensionWorkingDays ?? 0,
    caseOfficer: doc.caseOfficer ?? null,
    ...(doc.documentNumber !== undefined && { documentNumber: doc.documentNumber }),
    ...(doc.publishedOn !== undefined && { publishedOn: doc.publishedOn }),
    ...(doc.filingStatus !== undefined && { filingStatus: doc.filingStatus }),
    ...(doc.validUntil !== undefined && { validUntil: doc.validUntil }),
  };
}

/** `GET /v1/register`: a page of rows, newest received first. */
export async function listRegister(
  ctx: AppContext,
  actor: Actor,
  query: RegisterQuery & { limit: number; cursor?: string },
): Promise<{ items: RegisterRow[]; nextCursor: string | null }> {
  const where = registerFilter(actor, query);
  const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
  const { page, nextCursor } = await newestFirst<RegisterRowDoc>({
    model: ctx.models.RegisterRow,
    anyOf: [{}],
    where,
    sortBy: { field: 'receivedAt', isDate: true },
    limit: query.limit,
    cursor,
  });
  const now = ctx.now();
  return { items: page.map((doc) => registerRowView(doc, ctx, now)), nextCursor };
}

/** How long one export may read from the store: far past a page's budget, it streams every row. */
const EXPORT_MAX_MS = 10 * 60 * 1000;

/**
 * Every row of a register query, newest received first, read through one store cursor a batch at a
 * time: memory holds a batch, whatever the number of rows.
 */
export function registerRows(ctx: AppContext, actor: Actor, query: RegisterQuery): AsyncIterable<RegisterRow> {
  // Refused (403) here, before the caller starts answering, not once the export is under way.
  const where = registerFilter(actor, query);
  return streamRows(ctx, where);
}

async function* streamRows(ctx: AppContext, where: Filter): AsyncGenerator<RegisterRow> {
  const now = ctx.now();
  const cursor = ctx.models.RegisterRow.find(where)
    .sort({ receivedAt: -1, _id: -1 })
    .maxTimeMS(EXPORT_MAX_MS)
    .lean<RegisterRowDoc[]>()
    .cursor({ batchSize: 1000 });
  try {
    for await (const doc of cursor) yield registerRowView(doc, ctx, now);
  } finally {
    await cursor.close();
  }
}

/**
 * `GET /v1/stats/annual`: the year's figures, from the counters kept as events are recorded (a
 * few small documents per region, never the reviews themselves). Supervisors: any region or all;
 * reviewers and signers: their own region.
 */
export async function readAnnualStats(
  ctx: AppContext,
  actor: Actor,
  query: { year: number; region?: Region },
): Promise<AnnualFigures> {
  const region = regionFor(actor, query.region);
  const buckets = await ctx.models.FigureBucket.find(
    { year: query.year, ...(region !== undefined && { region }) },
    { counts: 1 },
  ).lean<Pick<FigureBucketDoc, 'counts'>[]>();
  return annualFigures(query.year, region ?? 'all', sumCounts(buckets.map((b) => b.counts ?? {})));
}
