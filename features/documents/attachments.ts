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

/** What a file's first bytes say it is: a PDF, a Word 97–2003 file (OLE), a ZIP, or nothing allowed. */
function kindOfHead(head: Buffer): 'pdf' | 'doc' | 'zip' | undefined {
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
  if (head.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) return 'doc';
  if (head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return 'zip';
  return undefined;
}

/**
 * The names of a ZIP's entries, from its central directory, given the file's last bytes (`tail`)
 * and its size; undefined when the end of the file is not a well-formed end of a ZIP (ZIP64, a
 * directory that does not end where the end record says, one longer than `tail`).
 */
export function zipEntryNames(tail: Buffer, size: number): string[] | undefined {
  const END = 0x06054b50;
  const ENTRY = 0x02014b50;
  // The end record (22 bytes, then a comment of up to 65,535) closes the file.
  for (let at = tail.length - 22; at >= 0 && at >= tail.length - 22 - 0xffff; at--) {
    if (tail.readUInt32LE(at) !== END || at + 22 + tail.readUInt16LE(at + 20) !== tail.length) continue;
    const count = tail.readUInt16LE(at + 10);
    const directorySize = tail.readUInt32LE(at + 12);
    const directoryOffset = tail.readUInt32LE(at + 16);
    const start = at - directorySize;
    if (start < 0 || directoryOffset !== size - (tail.length - start)) return undefined;
    const names: string[] = [];
    let entry = start;
    for (let i = 0; i < count; i++) {
      if (entry + 46 > at || tail.readUInt32LE(entry) !== ENTRY) return undefined;
      const nameLength = tail.readUInt16LE(entry + 28);
      const next = entry + 46 + nameLength + tail.readUInt16LE(entry + 30) + tail.readUInt16LE(entry + 32);
      if (next > at) return undefined;
      names.push(tail.subarray(entry + 46, entry + 46 + nameLength).toString('utf8'));
      entry = next;
    }
    return entry === at ? names : undefined;
  }
  return undefined;
}

/**
 * The type of a file from its content, never its name: PDF (`%PDF-`), Word 97–2003 (an OLE
 * compound file), or a ZIP whose central directory (in the file's last bytes, `tail`) lists a Word
 * document's parts (`[Content_Types].xml` and `word/document.xml`, no macros) or an OFD's
 * `OFD.xml`. Any other ZIP is no document, whatever it is called.
 */
export function sniffType(head: Buffer, tail: Buffer, size: number): string | undefined {
  const kind = kindOfHead(head);
  if (kind === 'pdf') return PDF;
  if (kind === 'doc') return DOC;
  if (kind !== 'zip') return undefined;
  const names = new Set(zipEntryNames(tail, size) ?? []);
  if (names.has('[Content_Types].xml') && names.has('word/document.xml') && !names.has('word/vbaProject.bin'))
    return DOCX;
  if (names.has('OFD.xml')) return OFD;
  return undefined;
}

/** Enough of a file's start to tell its kind. */
const HEAD_BYTES = 512;
/** Enough of a file's end to hold a ZIP's central directory (a Word document's has a few KB). */
const TAIL_BYTES = 256 * 1024;

/** The last `size` bytes of a stream, kept as it goes by. */
class Tail {
  private chunks: Buffer[] = [];
  private length = 0;
  constructor(private readonly size: number) {}
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
    while (this.chunks.length > 1 && this.length - this.chunks[0].length >= this.size) {
      this.length -= this.chunks.shift()!.length;
    }
  }
  bytes(): Buffer {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.size));
  }
}

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
          // busboy calls a file that reaches its limit truncated: one byte over is what is too large.
          limits: { files: 1, fields: 5, fileSize: MAX_ATTACHMENT_BYTES + 1 },
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
        const name = info.filename || 'attachment';
        if (name.includes('\u0000')) {
          stream.resume();
          return reject(AppError.invalid('file', '文件名不能含有 NUL 字符（U+0000）'));
        }
        const hash = createHash('sha256');
        let head = Buffer.alloc(0);
        const tail = new Tail(TAIL_BYTES);
        let size = 0;
        const stored = bucket(models).openUploadStreamWithId(id as never, name);
        let failed = false;
        // Nothing of a refused or interrupted file stays in the store.
        const removeStored = () =>
          void bucket(models)
            .delete(id as never)
            .catch(() => undefined);
        const fail = (err: AppError) => {
          if (failed) return;
          failed = true;
          stream.unpipe(stored);
          stream.resume();
          // Removed once the writes under way have landed ('finish'): removing it now would race them.
          if (stored.writableFinished) removeStored();
          else stored.end();
          reject(err);
        };
        const notADocument = () => new AppError('unsupported_media_type', 'a file must be PDF, DOC, DOCX or OFD');
        // A caller gone before the file's end (its connection closed: it gave up, or ran out of budget).
        upload.body.once('close', () => {
          if (!upload.body.readableEnded) fail(AppError.invalid('file', '上传未完成，连接已断开'));
        });
        stream.on('data', (chunk: Buffer) => {
          size += chunk.length;
          hash.update(chunk);
          tail.push(chunk);
          if (head.length < HEAD_BYTES) {
            head = Buffer.concat([head, chunk]).subarray(0, HEAD_BYTES);
            // Refused as soon as its first bytes show it is none of the types; a ZIP is told at its end.
            if (head.length >= 8 && kindOfHead(head) === undefined) fail(notADocument());
          }
        });
        stream.on('limit', () =>
          fail(new AppError('payload_too_large', `a file may be at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB`)),
        );
        stream.pipe(stored);
        stored.on('error', reject);
        stored.on('finish', () => {
          if (failed) return removeStored();
          const contentType = sniffType(head, tail.bytes(), size);
          if (!contentType) return fail(notADocument());
          resolve({ name, size, sha256: hash.digest('hex'), contentType });
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
