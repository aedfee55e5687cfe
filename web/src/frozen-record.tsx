/**
 * A frozen record (合法性审核意见书, 修改意见书) shown and printed as it was issued: the exact bytes the
 * API serves for `Accept: text/html`, whose SHA-256 was recorded when it was frozen. Nothing here
 * re-renders the record: the page is put, byte for byte decoded, into a sandboxed frame (no scripts
 * run in it; same origin only so that its print and its height can be reached from here), its
 * SHA-256 is computed in the browser and compared with the recorded one, and 打印 prints the frame,
 * whose own style sheet sets the paper and margins (A4, GB/T 9704-2012).
 */
import { Alert, Button, Card, Space, Spin, Tag, Typography } from 'antd';
import { useEffect, useRef, useState, type RefObject } from 'react';
import { Link } from 'react-router-dom';
import { api, call, type Review } from './api/client';
import { errorText } from './labels';

/** The hex SHA-256 of some bytes, by Web Crypto; undefined where the browser offers none (plain HTTP). */
async function sha256Hex(bytes: ArrayBuffer): Promise<string | undefined> {
  if (!globalThis.crypto?.subtle) return undefined;
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

interface Loaded {
  html: string;
  sha256?: string;
}

export function FrozenRecord({
  title,
  recordedSha256,
  fetchPage,
}: {
  /** What the document is, e.g. 合法性审核意见书 京司审〔2026〕3号: the frame's accessible name. */
  title: string;
  /** The SHA-256 recorded when the page was frozen (the JSON's `sha256`). */
  recordedSha256: string;
  /** The page's bytes as served (a stable function: the page is fetched again when it changes). */
  fetchPage: () => Promise<ArrayBuffer>;
}) {
  const frame = useRef<HTMLIFrameElement>(null);
  const [loaded, setLoaded] = useState<Loaded>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let current = true;
    fetchPage()
      .then(async (bytes) => {
        const sha256 = await sha256Hex(bytes);
        // Fatal: bytes that are not UTF-8 would be shown altered; better refuse them.
        const html = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        if (current) setLoaded({ html, ...(sha256 && { sha256 }) });
      })
      .catch((err: unknown) => current && setError(errorText(err)));
    return () => {
      current = false;
    };
  }, [fetchPage]);

  if (error) return <Alert type="error" showIcon role="alert" message={error} />;
  if (!loaded) return <Spin aria-label="加载中" />;
  const matches = loaded.sha256 === recordedSha256;
  return (
    <div className="frozen-record">
      <Space direction="vertical" style={{ width: '100%', marginBottom: 12 }} className="no-print">
        <Space wrap>
          <Button type="primary" disabled={!matches} onClick={() => frame.current?.contentWindow?.print()}>
            打印 / 另存为 PDF
          </Button>
          <Typography.Text type="secondary">打印的即是下方原件（A4，页边距按 GB/T 9704-2012 设置）。</Typography.Text>
        </Space>
        <div data-testid="record-hash">
          <Typography.Text>
            本机计算的校验值（SHA-256）：<code data-testid="computed-sha256">{loaded.sha256 ?? '—'}</code>
          </Typography.Text>{' '}
          {loaded.sha256 === undefined ? (
            <Tag color="orange">此浏览器无法计算校验值（需要 HTTPS）</Tag>
          ) : matches ? (
            <Tag color="green" data-testid="hash-verdict">
              与登记的校验值一致
            </Tag>
          ) : (
            <Tag color="red" data-testid="hash-verdict">
              与登记的校验值不一致
            </Tag>
          )}
          <br />
          <Typography.Text type="secondary">
            登记的校验值：<code data-testid="recorded-sha256">{recordedSha256}</code>
          </Typography.Text>
        </div>
        {loaded.sha256 !== undefined && !matches && (
          <Alert
            type="error"
            showIcon
            role="alert"
            message="收到的页面与登记的校验值不一致，不是签发时冻结的原件，请勿打印或使用，并联系系统管理员。"
          />
        )}
      </Space>
      <RecordFrame frameRef={frame} title={title} html={loaded.html} />
      <p className="print-notice">本页是系统界面，不是文书原件。请使用页面上的“打印 / 另存为 PDF”按钮打印原件。</p>
    </div>
  );
}

/**
 * A record's page in a sandboxed frame (no scripts; same origin only so that its print and its
 * height can be reached), as tall as its page so that it scrolls with the console.
 */
export function RecordFrame({
  frameRef,
  title,
  html,
  testId = 'record-frame',
}: {
  frameRef?: RefObject<HTMLIFrameElement>;
  title: string;
  html: string;
  testId?: string;
}) {
  const own = useRef<HTMLIFrameElement>(null);
  const frame = frameRef ?? own;
  const fit = () => {
    const page = frame.current?.contentDocument?.documentElement;
    if (frame.current && page) frame.current.style.height = `${page.scrollHeight}px`;
  };
  return (
    <iframe
      ref={frame}
      title={title}
      data-testid={testId}
      sandbox="allow-same-origin allow-modals"
      srcDoc={html}
      onLoad={fit}
      className="record-frame"
    />
  );
}

/** Whether a review has closed with an opinion (signed, rejected or returned). */
export const hasOpinion = (review: Review) =>
  review.status === 'approved' || review.status === 'rejected' || review.status === 'returned';

/** Links to a review's issued documents: each round's 修改意见书 and, with `withOpinion`, the opinion. */
export function RecordLinks({ review, withOpinion = false }: { review: Review; withOpinion?: boolean }) {
  const reviewId = encodeURIComponent(review.reviewId ?? '');
  const letters = review.revisionLetters ?? [];
  const opinion = withOpinion && hasOpinion(review);
  if (!opinion && letters.length === 0) return null;
  return (
    <Space wrap style={{ marginBottom: 16 }} data-testid="record-links">
      <Typography.Text>审核文书：</Typography.Text>
      {letters.map((l) => (
        <Link key={l.round} to={`/reviews/${reviewId}/revision-letters/${l.round}`}>
          修改意见书{l.number ? ` ${l.number}` : `（第${l.round}轮）`}
        </Link>
      ))}
      {opinion && (
        <Link to={`/reviews/${reviewId}/opinion`}>
          合法性审核意见书{review.opinionNumber ? ` ${review.opinionNumber}` : ''}
        </Link>
      )}
    </Space>
  );
}

/**
 * The opinion as signing now would freeze it (待签发稿): the API's page of it, by the same renderer
 * as the issued one, in the same sandboxed frame; its number is taken on signing.
 */
export function DraftOpinion({ reviewId }: { reviewId: string }) {
  const [html, setHtml] = useState<string>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let current = true;
    call(
      api.GET('/v1/reviews/{reviewId}/opinion/draft', {
        params: { path: { reviewId } },
        headers: { Accept: 'text/html' },
        parseAs: 'text',
      }),
    )
      .then((page) => current && setHtml(page))
      .catch((err: unknown) => current && setError(errorText(err)));
    return () => {
      current = false;
    };
  }, [reviewId]);
  return (
    <Card title="合法性审核意见书（待签发稿）" size="small" style={{ marginBottom: 16 }} data-testid="draft-opinion">
      <Typography.Paragraph type="secondary">
        以下是签发后将生成的意见书全文，与签发时冻结的原件由同一程序生成；文号在签发时编定。
      </Typography.Paragraph>
      {error ? (
        <Alert type="error" showIcon role="alert" message={error} />
      ) : html === undefined ? (
        <Spin aria-label="加载中" />
      ) : (
        <RecordFrame title="合法性审核意见书（待签发稿）" html={html} testId="draft-opinion-frame" />
      )}
    </Card>
  );
}
