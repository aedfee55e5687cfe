/**
 * The register (台账) and the year's figures, read from the projections the recording path keeps
 * (activities/register.ts): a page of rows, every row as a stream for the exports, a year's counters.
 */
import { annualFigures, sumCounts, type AnnualFigures } from '../../domain/annual-figures';
import { clockView } from '../../domain/clock';
import type { Actor, Region } from '../../domain/model';
import { cstDay, queryTerms, type RegisterRow } from '../../domain/register';
import type { FigureBucketDoc, RegisterRowDoc } from '../../store/register';
import { isSupervisor } from '../access';
import type { AppContext } from '../context';
import { AppError } from '../errors';
import { withinBudget } from '../../platform/budget';
import { decodeCursor, newestFirst, type Cursor, type Filter } from '../paging';
import { firstMonth } from '../reviews/queries';

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

/** Rows per page of an export: each page is one short, sorted, limited query. */
export const EXPORT_PAGE_ROWS = 1000;

/**
 * Every row of a register query, newest received first, for the exports: read a day (CST) at a
 * time, newest day first, each day in pages of `pageRows` in the order of the register's index
 * (`receivedAt`, `_id`, both descending), a page starting after the last row of the one before
 * (`newestFirst`, as the JSON pages). The day is an equality (`receivedOn`), which every store
 * serves from an index (FerretDB v1 pushes only equalities down to PostgreSQL): a page reads at
 * most its day's rows, whatever the register holds, and no store cursor stays open between pages.
 * Memory holds one page. Each page gets a read budget of its own (`PAGE_MAX_MS`): the request's
 * ran out long before a large export ends, and an export has no limit of its own; it stops when
 * its writer stops pulling rows (the caller went away).
 *
 * The days run from tomorrow back to the first day of the month of the oldest review
 * (`firstMonth`), within the year asked for. A row never moves in that order (`receivedAt` and
 * `_id` never change), so every row stored when the export starts is written exactly once, with its
 * columns as they are when its page is read. A row stored during the export is written if its
 * place is after the page being read (received earlier than the rows written so far) and not
 * otherwise: a review received during the export, the newest, is not in it.
 */
export function registerRows(
  ctx: AppContext,
  actor: Actor,
  query: RegisterQuery,
  pageRows = EXPORT_PAGE_ROWS,
): AsyncIterable<RegisterRow> {
  // Refused (403) here, before the caller starts answering, not once the export is under way.
  const where = registerFilter(actor, query);
  return pagedRows(ctx, where, query.year, pageRows);
}

const DAY_MS = 86_400_000;

async function* pagedRows(
  ctx: AppContext,
  where: Filter,
  year: number | undefined,
  pageRows: number,
): AsyncGenerator<RegisterRow> {
  const now = ctx.now();
  const oldestMonth = await withinBudget(pageBudget(), () => firstMonth(ctx));
  if (oldestMonth === null) return;
  // Days as UTC midnights of their CST dates; a review's month is its UTC month, a day earlier at most.
  let first = Date.parse(`${oldestMonth}-01T00:00:00Z`) - DAY_MS;
  let day = Date.parse(`${cstDay(now)}T00:00:00Z`) + DAY_MS; // a clock a little behind the recording's
  if (year !== undefined) {
    first = Math.max(first, Date.UTC(year, 0, 1));
    day = Math.min(day, Date.UTC(year, 11, 31));
  }
  for (; day >= first; day -= DAY_MS) {
    const receivedOn = new Date(day).toISOString().slice(0, 10);
    let cursor: Cursor | undefined;
    do {
      const after = cursor;
      const { page, nextCursor } = await withinBudget(pageBudget(), () =>
        newestFirst<RegisterRowDoc>({
          model: ctx.models.RegisterRow,
          anyOf: [{}],
          where: { ...where, receivedOn },
          sortBy: { field: 'receivedAt', isDate: true },
          limit: pageRows,
          cursor: after,
        }),
      );
      for (const doc of page) yield registerRowView(doc, ctx, now);
      cursor = nextCursor === null ? undefined : decodeCursor(nextCursor);
    } while (cursor);
  }
}

/**
 * How long one page's read may take: the store connection's own limit on a reply (20 s,
 * bin/connections.ts), far more than a day's page needs; a page past it fails the export.
 */
const PAGE_MAX_MS = 20_000;

/** One page's read budget, in place of the request's (its time ran out once the download began). */
function pageBudget() {
  return { deadline: Date.now() + PAGE_MAX_MS, signal: new AbortController().signal };
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
