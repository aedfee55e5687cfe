/** The register (台账) with its exports, and the year's figures with their printable page. */
import { z } from 'zod';
import { CONCLUSIONS, REGIONS, REVIEW_STATUSES } from '../../domain/model';
import { XLSX_TYPE, writeCsv, writeXlsx } from '../../features/register/exports';
import { annualStatsQuerySchema, registerQuerySchema } from '../../features/register/schemas';
import { listRegister, readAnnualStats, registerRows } from '../../features/register/use-cases';
import { annualReportPage } from '../../records/annual-report';
import type { ApiDeps } from '../deps';
import { route, type RouteSpec } from '../http';
import { page, responseSchemas } from '../responses';

const person = z.object({ sub: z.string(), name: z.string().optional() });

export const RegisterRowView = responseSchemas.register(
  'RegisterRow',
  z.object({
    reviewId: z.string(),
    documentId: z.string(),
    region: z.enum(REGIONS),
    registrationNumber: z.string().nullable(),
    opinionNumber: z.string().nullable(),
    title: z.string(),
    draftingUnit: z.string(),
    status: z.enum(REVIEW_STATUSES),
    receivedAt: z.string(),
    acceptedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
    conclusion: z.enum(CONCLUSIONS).nullable(),
    workingDaysUsed: z.number().int(),
    extensions: z.number().int().describe('approved extensions'),
    extensionWorkingDays: z.number().int(),
    caseOfficer: person.nullable(),
    documentNumber: z.string().optional(),
    publishedOn: z.string().optional(),
    filingStatus: z.string().optional(),
    validUntil: z.string().optional(),
  }),
);

const count = z.number().int();
const rate = z.number().nullable();
export const AnnualStatsView = responseSchemas.register(
  'AnnualStats',
  z.object({
    year: count,
    region: z.enum([...REGIONS, 'all']),
    reviews: z.object({
      received: count,
      accepted: count,
      returnedAtIntake: count,
      legal: count,
      legalAfterRevision: count,
      unlawful: count,
      returned: count,
      withdrawn: count,
      onTimeRate: rate,
      medianWorkingDays: rate,
      extensions: count,
    }),
    consultations: z.object({ answered: count, noResponse: count }),
    comments: z.object({ blocking: count, amend: count, advisory: count, adoptedRate: rate }),
    filings: z.object({
      due: count,
      filed: count,
      onTime: count,
      late: count,
      registered: count,
      corrections: count,
    }),
    suggestions: z.object({ received: count, answered: count }),
    topics: z.object({ raised: count, answered: count }),
    guidelines: z.object({ adopted: count }),
  }),
);

export function registerRoutes({ app }: ApiDeps): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/v1/register',
      tag: 'register',
      summary: 'The register (台账): one row per review; JSON pages, or every matching row as CSV or XLSX',
      description:
        '`Accept: text/csv` streams every matching row as CSV (UTF-8 with a byte order mark); `Accept: ' +
        `${XLSX_TYPE}\` streams them as an XLSX workbook. Supervisors read every region; reviewers and signers ` +
        'their own. `q` finds rows whose title, numbers or drafting unit hold the text.',
      query: registerQuerySchema,
      responses: [
        { status: 200, description: '{ items: [row], nextCursor }; or CSV, or XLSX', schema: page(RegisterRowView) },
      ],
      errors: [400, 403],
      handler: async ({ actor, query, req, res }) => {
        const wanted = req.accepts(['json', 'text/csv', XLSX_TYPE]);
        if (wanted !== 'text/csv' && wanted !== XLSX_TYPE) {
          res.json(await listRegister(app, actor, query));
          return;
        }
        const rows = registerRows(app, actor, query); // refuses (403) before anything is sent
        const name = `register-${query.year ?? 'all'}${query.region ? `-${query.region}` : ''}`;
        res.status(200);
        res.setHeader('Content-Type', wanted === 'text/csv' ? 'text/csv; charset=utf-8' : XLSX_TYPE);
        res.setHeader(
          'Content-Disposition',
          `attachment; filename="${name}.${wanted === 'text/csv' ? 'csv' : 'xlsx'}"`,
        );
        res.setHeader('Cache-Control', 'no-store');
        // Headers out first: the export outlives a page's read budget, and once answering it runs to the end.
        res.flushHeaders();
        try {
          await (wanted === 'text/csv' ? writeCsv(rows, res) : writeXlsx(rows, res));
        } catch (err) {
          // Too late for an error answer: cut the download short, so the client cannot take it as whole.
          res.destroy(err as Error);
        }
      },
    }),
    route({
      method: 'get',
      path: '/v1/stats/annual',
      tag: 'supervision',
      summary: "The year's figures of a region or of all three; JSON, or a printable page with Accept: text/html",
      description:
        'Kept as events are recorded: each event counts in the year (CST) it happened and in the region whose ' +
        'work it records. Supervisors: any region or all; reviewers and signers: their own region.',
      query: annualStatsQuerySchema,
      responses: [
        { status: 200, description: 'the figures', schema: AnnualStatsView },
        { status: 200, description: 'the printable page', html: true },
      ],
      errors: [400, 403],
      handler: async ({ actor, query, req, res }) => {
        const figures = await readAnnualStats(app, actor, query);
        if (req.accepts(['json', 'html']) === 'html') res.type('html').send(annualReportPage(figures));
        else res.json(figures);
      },
    }),
  ];
}
