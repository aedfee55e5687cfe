/**
 * Attachments of a document's materials (PDF, Word, OFD): uploaded by the owning drafting office,
 * streamed into GridFS while their SHA-256 is computed, their type checked by their content (the
 * file's first bytes, never the name or the declared type alone), at most 20 MB; downloadable by
 * whoever may see the document.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import mongoose from 'mongoose';
import { MATERIAL_KINDS, type Actor, type MaterialKind } from '../../domain/model';
import type { AttachmentDoc, DocumentDoc, Models } from '../../store/models';
import type { AppContext } from '../context';
import { AppError } from '../errors';
import { documentFor } from './queries';
import { requireOwner } from './use-cases';

export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

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

/** A multipart/form-data request body as it arrives: its headers and its bytes. */
export interface Upload {
  headers: IncomingHttpHeaders;
  body: Readable;
}

const bucket = (models: Models) =>
  new mongoose.mongo.GridFSBucket(models.Attachment.db.db!, { bucketName: 'attachmentFiles' });

/** `POST /v1/documents/:id/attachments`: the owning drafter attaches a file (field `kind`, then `file`). */
export async function uploadAttachment(
  ctx: AppContext,
  actor: Actor,
  documentId: string,
  upload: Upload,
): Promise<AttachmentDoc> {
  const { doc } = await documentFor(ctx, actor, documentId);
  requireOwner(actor, doc, 'attach files');
  return receive(ctx.models, upload, doc, actor, ctx.now());
}

/** `GET /v1/documents/:id/attachments/:attachmentId`: the file's description and its content. */
export async function openAttachment(
  ctx: AppContext,
  actor: Actor,
  documentId: string,
  attachmentId: string,
): Promise<{ attachment: AttachmentDoc; content: () => Readable }> {
  const { doc } = await documentFor(ctx, actor, documentId);
  const attachment = await ctx.models.Attachment.findById(attachmentId).lean<AttachmentDoc>();
  if (!attachment || attachment.documentId !== doc._id) throw AppError.notFound('attachment');
  return { attachment, content: () => bucket(ctx.models).openDownloadStream(attachment._id as never) };
}

/** Streams the upload into GridFS, hashing and checking it on the way; stores its description. */
async function receive(
  models: Models,
  upload: Upload,
  doc: DocumentDoc,
  actor: Actor,
  at: Date,
): Promise<AttachmentDoc> {
  const id = randomUUID();
  let kind: MaterialKind = 'attachment';
  const file = await new Promise<{ name: string; size: number; sha256: string; contentType: string }>(
    (resolve, reject) => {
      let parser: busboy.Busboy;
      try {
        parser = busboy({
          headers: upload.headers,
          defParamCharset: 'utf8',
          limits: { files: 1, fields: 5, fileSize: MAX_ATTACHMENT_BYTES },
        });
      } catch {
        return reject(new AppError('unsupported_media_type', 'send the file as multipart/form-data'));
      }
      let received = false;
      parser.on('field', (name, value) => {
        if (name !== 'kind') return;
        if (!(MATERIAL_KINDS as readonly string[]).includes(value)) {
          return reject(AppError.invalid('kind', `one of ${MATERIAL_KINDS.join(', ')}`));
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
        const stored = bucket(models).openUploadStreamWithId(id as never, info.filename || 'attachment');
        const fail = (err: AppError) => {
          stream.unpipe(stored);
          stream.resume();
          stored.abort().catch(() => undefined);
          reject(err);
        };
        stream.on('data', (chunk: Buffer) => {
          size += chunk.length;
          hash.update(chunk);
          if (contentType === undefined && head.length < HEAD_BYTES) {
            head = Buffer.concat([head, chunk]).subarray(0, HEAD_BYTES);
            if (head.length >= Math.min(HEAD_BYTES, 64) || size === head.length) {
              contentType = sniffType(head, info.filename ?? '');
              if (!contentType) fail(new AppError('unsupported_media_type', 'a file must be PDF, DOC, DOCX or OFD'));
            }
          }
        });
        stream.on('limit', () =>
          fail(new AppError('payload_too_large', `a file may be at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB`)),
        );
        stream.pipe(stored);
        stored.on('error', reject);
        stored.on('finish', () => {
          contentType ??= sniffType(head, info.filename ?? '');
          if (!contentType) return fail(new AppError('unsupported_media_type', 'a file must be PDF, DOC, DOCX or OFD'));
          resolve({ name: info.filename || 'attachment', size, sha256: hash.digest('hex'), contentType });
        });
      });
      parser.on('close', () => {
        if (!received) reject(AppError.invalid('file', 'a multipart field `file` is required'));
      });
      parser.on('error', () => reject(new AppError('validation_failed', 'the multipart body is not valid')));
      upload.body.pipe(parser);
    },
  );
  const attachment: AttachmentDoc = {
    _id: id,
    documentId: doc._id,
    kind,
    ...file,
    uploadedBy: { sub: actor.sub, ...(actor.name && { name: actor.name }) },
    uploadedAt: at,
  };
  await models.Attachment.create(attachment);
  return attachment;
}
