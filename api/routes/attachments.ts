/** Attachments of a document's materials: upload (owning drafter) and download. */
import { MATERIAL_KINDS } from '../../domain/model';
import { MAX_ATTACHMENT_BYTES, openAttachment, uploadAttachment } from '../../features/documents/attachments';
import { emptyQuerySchema } from '../../features/schemas';
import { budgetSignal } from '../../platform/budget';
import type { ApiDeps } from '../deps';
import { route, type RouteSpec } from '../http';
import { attachmentView } from '../views';

export function attachmentRoutes({ app }: ApiDeps): RouteSpec[] {
  return [
    route({
      method: 'post',
      path: '/v1/documents/:id/attachments',
      tag: 'documents',
      summary: `Attach a file to the materials (owning drafter): PDF, DOC/DOCX or OFD, at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB`,
      description:
        'multipart/form-data with the field `kind` (a material kind, e.g. `consultationRecord` or `attachment`) ' +
        'before the field `file`. The type is checked by the content: anything else is 415.',
      multipart: {
        properties: {
          kind: { enum: MATERIAL_KINDS, description: 'which material the file is' },
          file: { type: 'string', format: 'binary' },
        },
        required: ['file'],
      },
      // An upload of 20 MB gets time for a slow link (UPLOAD_TIMEOUT, 120 s by default).
      budget: 'upload',
      responses: [{ status: 201, description: '{ id, name, contentType, size, sha256, kind }' }],
      errors: [400, 403, 404, 413, 415],
      handler: async ({ actor, params, req, res }) => {
        const stored = await uploadAttachment(app, actor, params.id, { headers: req.headers, body: req });
        res
          .status(201)
          .location(`/v1/documents/${stored.documentId}/attachments/${stored._id}`)
          .json(attachmentView(stored));
      },
    }),

    route({
      method: 'get',
      path: '/v1/documents/:id/attachments/:attachmentId',
      tag: 'documents',
      summary: 'Download an attached file (whoever may see the document)',
      query: emptyQuerySchema,
      responses: [{ status: 200, description: 'the file, with its SHA-256 in the ETag' }],
      errors: [404],
      handler: async ({ actor, params, res }) => {
        const { attachment, content } = await openAttachment(app, actor, params.id, params.attachmentId);
        if (budgetSignal()?.aborted) return; // answered 503 meanwhile: send nothing
        res.setHeader('Content-Type', attachment.contentType);
        res.setHeader('Content-Length', String(attachment.size));
        res.setHeader('ETag', `"${attachment.sha256}"`);
        res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(attachment.name)}`);
        await new Promise<void>((resolve, reject) => {
          content().on('error', reject).pipe(res).on('finish', resolve).on('error', reject);
        });
      },
    }),
  ];
}
