/** After the review: issuance, filing and what follows, repeal, the catalogue (features/after-review). */
import { chinaDateOf } from '../../domain/after-review';
import {
  catalogueQuerySchema,
  correctionReportBodySchema,
  filingBodySchema,
  issuanceBodySchema,
  repealBodySchema,
  supplementBodySchema,
} from '../../features/after-review/schemas';
import {
  fileDocument,
  filingCatalogue,
  issueDocument,
  readFiling,
  repealDocument,
  reportCorrection,
  supplementFiling,
} from '../../features/after-review/use-cases';
import { cataloguePage } from '../../records/catalogue';
import type { ApiDeps } from '../deps';
import { route, type RouteSpec } from '../http';

export function afterReviewRoutes({ app }: ApiDeps): RouteSpec[] {
  return [
    route({
      method: 'post',
      path: '/v1/documents/:id/issuance',
      tag: 'after review',
      summary: 'Issue a document whose review closed approved (owning drafter); starts its filing and validity clock',
      body: issuanceBodySchema,
      responses: [{ status: 201, description: 'the issuance, with the filing due date' }],
      errors: [400, 403, 404, 409],
      handler: async ({ actor, params, body, requestId, res }) => {
        res.status(201).json(await issueDocument(app, actor, params.id, body, requestId));
      },
    }),
    route({
      method: 'post',
      path: '/v1/documents/:id/filings',
      tag: 'after review',
      summary: 'File the issued document for the record (owning drafter): completes the filing task',
      body: filingBodySchema,
      responses: [{ status: 202, description: '{ filingId, status: submitted, dueAt, onTime }' }],
      errors: [400, 403, 404, 409],
      handler: async ({ actor, params, body, requestId, res }) => {
        res.status(202).json(await fileDocument(app, actor, params.id, body, requestId));
      },
    }),
    route({
      method: 'post',
      path: '/v1/documents/:id/repeal',
      tag: 'after review',
      summary: 'Repeal an issued document (owning drafter); its deadlines stop',
      body: repealBodySchema,
      responses: [{ status: 200, description: '{ documentId, status: repealed }' }],
      errors: [400, 403, 404, 409],
      handler: async ({ actor, params, body, requestId, res }) => {
        res.json(await repealDocument(app, actor, params.id, body.reason, requestId));
      },
    }),
    route({
      method: 'get',
      path: '/v1/filings/catalogue',
      tag: 'after review',
      summary: "A region's registered filings of a month; JSON, or the printable page with Accept: text/html",
      query: catalogueQuerySchema,
      responses: [{ status: 200, description: '{ region, month, items, nextCursor }', html: true }],
      errors: [400],
      handler: async ({ query, req, res }) => {
        const catalogue = await filingCatalogue(app, query);
        if (req.accepts(['json', 'html']) === 'html') {
          res.type('html').send(cataloguePage(query.region, query.month, catalogue.items, chinaDateOf));
        } else res.json(catalogue);
      },
    }),
    route({
      method: 'get',
      path: '/v1/filings/:filingId',
      tag: 'after review',
      summary: "A filing and its history (the drafting unit, the region's review body, supervisors)",
      responses: [{ status: 200, description: '{ filingId, documentId, region, status, dueAt, …, history }' }],
      errors: [404],
      handler: async ({ actor, params, res }) => {
        res.json(await readFiling(app, actor, params.filingId));
      },
    }),
    route({
      method: 'post',
      path: '/v1/filings/:filingId/supplement',
      tag: 'after review',
      summary: 'Supply the materials a deferred registration asked for (owning drafter)',
      body: supplementBodySchema,
      responses: [{ status: 200, description: '{ filingId, status: submitted }' }],
      errors: [400, 403, 404, 409],
      handler: async ({ actor, params, body, requestId, res }) => {
        res.json(await supplementFiling(app, actor, params.filingId, body, requestId));
      },
    }),
    route({
      method: 'post',
      path: '/v1/filings/:filingId/correction-report',
      tag: 'after review',
      summary: 'Report what was done on a correction advised (owning drafter)',
      body: correctionReportBodySchema,
      responses: [{ status: 200, description: '{ filingId, status: corrected }' }],
      errors: [400, 403, 404, 409],
      handler: async ({ actor, params, body, requestId, res }) => {
        res.json(await reportCorrection(app, actor, params.filingId, body.text, requestId));
      },
    }),
  ];
}
