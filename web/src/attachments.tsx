/**
 * A document's attached files (附件材料): the owning drafter uploads them on the document page;
 * whoever may see the document previews a PDF inline (an <object> of the bytes fetched with the
 * bearer token, as a blob: address the content security policy allows for objects only) and
 * downloads the others. The API checks the type by content and the size; its refusal shows beside
 * the file field.
 */
import { Button, Card, List, Select, Space, Tag, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { api, ApiFailure, call, type DocumentView } from './api/client';
import { errorText, MATERIAL } from './labels';

type Attachment = NonNullable<DocumentView['attachments']>[number];

/** A file's size as people read it, in Chinese units (the console shows no Latin words). */
const sizeText = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)}兆字节` : `${Math.max(1, Math.round(bytes / 1024))}千字节`;

/** The file's bytes as the API serves them (with the bearer token), as a blob of its type. */
async function fetchAttachment(documentId: string, a: Attachment): Promise<Blob> {
  const blob = await call(
    api.GET('/v1/documents/{id}/attachments/{attachmentId}', {
      params: { path: { id: documentId, attachmentId: a.id } },
      parseAs: 'blob',
    }),
  );
  return new Blob([blob], { type: a.contentType });
}

/** Saves a blob under `name`, as a download link clicked would. */
function saveAs(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The PDF shown in the page: a blob: address of the fetched bytes, revoked when it closes. */
function PdfPreview({ documentId, attachment }: { documentId: string; attachment: Attachment }) {
  const [url, setUrl] = useState<string>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let made: string | undefined;
    let current = true;
    fetchAttachment(documentId, attachment)
      .then((blob) => {
        made = URL.createObjectURL(blob);
        if (current) setUrl(made);
      })
      .catch((err: unknown) => current && setError(errorText(err)));
    return () => {
      current = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [documentId, attachment]);
  if (error) return <Typography.Text type="danger">{error}</Typography.Text>;
  if (!url) return <Typography.Text type="secondary">正在载入……</Typography.Text>;
  return (
    <object data={url} type="application/pdf" className="attachment-preview" aria-label={`预览：${attachment.name}`}>
      <Typography.Text>
        此浏览器无法直接显示PDF，请
        <Button
          type="link"
          onClick={() => void fetchAttachment(documentId, attachment).then((b) => saveAs(b, attachment.name))}
        >
          下载后查看
        </Button>
      </Typography.Text>
    </object>
  );
}

/** The owning drafter's upload: which material the file is, the file, and the API's refusal beside it. */
function UploadForm({ documentId, onUploaded }: { documentId: string; onUploaded: () => void }) {
  const [kind, setKind] = useState('attachment');
  const [file, setFile] = useState<File>();
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const upload = async () => {
    if (!file) {
      setProblem('请选择要上传的文件');
      return;
    }
    setBusy(true);
    setProblem(undefined);
    // `kind` before `file`: the API reads the fields in order.
    const form = new FormData();
    form.append('kind', kind);
    form.append('file', file, file.name);
    try {
      await call(
        api.POST('/v1/documents/{id}/attachments', {
          params: { path: { id: documentId } },
          body: form as never,
          bodySerializer: (body: unknown) => body as FormData,
        }),
      );
      setFile(undefined);
      if (input.current) input.current.value = '';
      onUploaded();
    } catch (err) {
      setProblem(err instanceof ApiFailure ? (err.fieldProblems()[0]?.message ?? errorText(err)) : errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Space wrap align="start" style={{ marginTop: 12 }}>
      <Select
        aria-label="材料类别"
        value={kind}
        onChange={setKind}
        style={{ width: 200 }}
        options={Object.entries(MATERIAL).map(([value, label]) => ({ value, label }))}
      />
      <div>
        <label>
          选择文件（PDF、DOC、DOCX或OFD格式，不超过20兆字节）：
          <input
            ref={input}
            type="file"
            accept=".pdf,.doc,.docx,.ofd"
            aria-invalid={problem !== undefined}
            aria-describedby={problem ? 'attachment-problem' : undefined}
            onChange={(e) => setFile(e.target.files?.[0])}
          />
        </label>
        {problem && (
          <div id="attachment-problem" className="field-error" role="alert" data-testid="attachment-problem">
            {problem}
          </div>
        )}
      </div>
      <Button onClick={() => void upload()} loading={busy}>
        上传附件
      </Button>
    </Space>
  );
}

/** The document's attached files, with preview and download; the upload form for the owning drafter. */
export function AttachmentsCard({
  documentId,
  attachments,
  canUpload = false,
  onUploaded = () => undefined,
}: {
  documentId: string;
  attachments: readonly Attachment[];
  canUpload?: boolean;
  onUploaded?: () => void;
}) {
  const [previewed, setPreviewed] = useState<string>();
  if (attachments.length === 0 && !canUpload) return null;
  return (
    <Card title="附件材料" size="small" style={{ marginBottom: 16 }} data-testid="attachments">
      <List
        size="small"
        dataSource={[...attachments]}
        locale={{ emptyText: '尚无附件' }}
        renderItem={(a) => {
          const pdf = a.contentType === 'application/pdf';
          const open = previewed === a.id;
          return (
            <List.Item data-testid="attachment" style={{ display: 'block' }}>
              <Space wrap>
                <Tag>{MATERIAL[a.kind] ?? '附件'}</Tag>
                <span>{a.name}</span>
                <Typography.Text type="secondary">{sizeText(a.size)}</Typography.Text>
                {pdf && (
                  <Button
                    size="small"
                    aria-expanded={open}
                    aria-label={`${open ? '收起预览' : '预览'}${a.name}`}
                    onClick={() => setPreviewed(open ? undefined : a.id)}
                  >
                    {open ? '收起预览' : '预览'}
                  </Button>
                )}
                <Button
                  size="small"
                  aria-label={`下载${a.name}`}
                  onClick={() => void fetchAttachment(documentId, a).then((blob) => saveAs(blob, a.name))}
                >
                  下载
                </Button>
              </Space>
              {open && <PdfPreview documentId={documentId} attachment={a} />}
            </List.Item>
          );
        }}
      />
      {canUpload && <UploadForm documentId={documentId} onUploaded={onUploaded} />}
    </Card>
  );
}
