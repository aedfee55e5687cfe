/**
 * Attachments of a document's materials (PDF, Word, OFD): uploaded by the owning drafting office,
 * streamed into GridFS while their SHA-256 is computed, their type checked by their content (the
 * file's first bytes, never the name or the declared type alone), at most 20 MB; downloadable by
 * whoever may see the document.
 */
import { createHash, randomUUID } from 'node:crypto';
import busboy from 'busboy';
import type { Request } from 'express';
import mongoose from 'mongoose';
import { MATERIAL_KINDS, type Actor, type MaterialKind } from '../../domain/model';
import type { AttachmentDoc, DocumentDoc } from '../../store/models';
import { ownsAsDrafter } from '../access';
import type { ApiDeps } from '../deps';
import { ApiError } from '../errors';
import { route, type RouteSpec } from '../http';
import { documentFor } from '../lookup';
import { emptyQuerySchema } from '../schemas';

export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;
/** An upload of 20 MB gets time for a slow link. */
const UPLOAD_BUDGET_MS = 120_000;

const PDF = 'application/pdf';
const DOC = 'application/msword';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const OFD = 'application/ofd';

/**
 * The type of a file from its first bytes: PDF (`%PDF-`), Word 97–2003 (an OLE compound file), or
 * a ZIP that is a Word document (its first entry `[Content_Types].xml` or `word/…`) or an OFD
 * (`OFD.xml`, `Doc_…`), where the name's extension decides when the first entry does not.
 */
export function sniffType(head: Buffer, fileName: string): string | undefined {
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return PDF;
  if (head.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) return DOC;
  if (head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
    // A ZIP local file header: the first entry's name is at offset 30, its length at 26.
    const nameLength = head.length >= 30 ? head.readUInt16LE(26) : 0;
    const first = head.subarray(30, 30 + nameLength).toString('utf8');
    if (first === '[Content_Types].xml' || first.startsWith('word/')) return DOCX;
    if (first === 'OFD.xml' || first.startsWith('Doc_')) return OFD;
    const extension = fileName.toLowerCase().split('.').pop();
    if (extension === 'docx') return DOCX;
    if (extension === 'ofd') return OFD;
  }
  return undefined;
}

/** Enough of a file's start to tell its type. */
const HEAD_BYTES = 512;

export function attachmentRoutes(deps: ApiDeps): RouteSpec[] {
  const { models } = deps;
  const bucket = () => new mongoose.mongo.GridFSBucket(models.Attachment.db.db!, { bucketName: 'attachmentFiles' });

  return [
    route({
      method: 'post',
      path: '/v1/documents/:id/attachments',
      tag: 'documents',
      summary: 'Attach a file to the materials (owning drafter): PDF, DOC/DOCX or OFD, at most 20 MB',
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
      budgetMs: UPLOAD_BUDGET_MS,
      responses: [{ status: 201, description: '{ id, name, contentType, size, sha256, kind }' }],
      errors: [400, 403, 404, 413, 415],
      handler: async ({ actor, params, req, res }) => {
        const { doc } = await documentFor(deps, actor, params.id);
        if (!ownsAsDrafter(actor, doc)) throw ApiError.forbidden(`only a drafter of ${doc.org} may attach files`);
        const stored = await receive(req, doc, actor);
        res.status(201).location(`/v1/documents/${doc._id}/attachments/${stored._id}`).json(attachmentView(stored));
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
        const { doc } = await documentFor(deps, actor, params.id);
        const attachment = await models.Attachment.findById(params.attachmentId).lean<AttachmentDoc>();
        if (!attachment || attachment.documentId !== doc._id) throw ApiError.notFound('attachment');
        res.setHeader('Content-Type', attachment.contentType);
        res.setHeader('Content-Length', String(attachment.size));
        res.setHeader('ETag', `"${attachment.sha256}"`);
        res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(attachment.name)}`);
        await new Promise<void>((resolve, reject) => {
          bucket()
            .openDownloadStream(attachment._id as never)
            .on('error', reject)
            .pipe(res)
            .on('finish', resolve)
            .on('error', reject);
        });
      },
    }),
  ];

  /** Streams the upload into GridFS, hashing and checking it on the way; stores its description. */
  async function receive(req: Request, doc: DocumentDoc, actor: Actor): Promise<AttachmentDoc> {
    const id = randomUUID();
    let kind: MaterialKind = 'attachment';
    const file = await new Promise<{ name: string; size: number; sha256: string; contentType: string }>(
      (resolve, reject) => {
        let parser: busboy.Busboy;
        try {
          parser = busboy({
            headers: req.headers,
            defParamCharset: 'utf8',
            limits: { files: 1, fields: 5, fileSize: MAX_ATTACHMENT_BYTES },
          });
        } catch {
          return reject(new ApiError('unsupported_media_type', 'send the file as multipart/form-data'));
        }
        let received = false;
        parser.on('field', (name, value) => {
          if (name !== 'kind') return;
          if (!(MATERIAL_KINDS as readonly string[]).includes(value)) {
            return reject(ApiError.invalid('kind', `one of ${MATERIAL_KINDS.join(', ')}`));
          }
          kind = value as MaterialKind;
        });
        parser.on('file', (field, stream, info) => {
          if (field !== 'file') return stream.resume();
          received = true;
          const hash = createHash('sha256');
          let head = Buffer.alloc(0);
          let contentType: string | undefined;
          let size = 0;
          const upload = bucket().openUploadStreamWithId(id as never, info.filename || 'attachment');
          const fail = (err: ApiError) => {
            stream.unpipe(upload);
            stream.resume();
            upload.abort().catch(() => undefined);
            reject(err);
          };
          stream.on('data', (chunk: Buffer) => {
            size += chunk.length;
            hash.update(chunk);
            if (contentType === undefined && head.length < HEAD_BYTES) {
              head = Buffer.concat([head, chunk]).subarray(0, HEAD_BYTES);
              if (head.length >= Math.min(HEAD_BYTES, 64) || size === head.length) {
                contentType = sniffType(head, info.filename ?? '');
                if (!contentType) fail(new ApiError('unsupported_media_type', 'a file must be PDF, DOC, DOCX or OFD'));
              }
            }
          });
          stream.on('limit', () =>
            fail(new ApiError('payload_too_large', `a file may be at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB`)),
          );
          stream.pipe(upload);
          upload.on('error', reject);
          upload.on('finish', () => {
            contentType ??= sniffType(head, info.filename ?? '');
            if (!contentType)
              return fail(new ApiError('unsupported_media_type', 'a file must be PDF, DOC, DOCX or OFD'));
            resolve({ name: info.filename || 'attachment', size, sha256: hash.digest('hex'), contentType });
          });
        });
        parser.on('close', () => {
          if (!received) reject(ApiError.invalid('file', 'a multipart field `file` is required'));
        });
        parser.on('error', () => reject(new ApiError('validation_failed', 'the multipart body is not valid')));
        req.pipe(parser);
      },
    );
    const attachment: AttachmentDoc = {
      _id: id,
      documentId: doc._id,
      kind,
      ...file,
      uploadedBy: { sub: actor.sub, ...(actor.name && { name: actor.name }) },
      uploadedAt: new Date(),
    };
    await models.Attachment.create(attachment);
    return attachment;
  }
}

export function attachmentView(a: AttachmentDoc) {
  return {
    id: a._id,
    name: a.name,
    contentType: a.contentType,
    size: a.size,
    sha256: a.sha256,
    kind: a.kind,
    uploadedAt: a.uploadedAt.toISOString(),
  };
}
