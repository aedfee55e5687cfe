/**
 * The exchange's shared parts in the console: a small client for its endpoints (not yet in the
 * generated types), highlighted matches, and the precedents panel of the task page.
 */
import { Card, Empty, List, Spin, Tag } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import { ApiFailure, loadSession } from './api/client';
import { articleZh, REGION } from './labels';

/** Calls the API with the signed-in person's token; a refusal becomes an ApiFailure. */
export async function exchangeCall<T>(path: string, init?: { method?: string; body?: unknown }): Promise<T> {
  const session = loadSession();
  let response: Response;
  try {
    response = await fetch(path, {
      method: init?.method ?? 'GET',
      headers: {
        ...(session && { Authorization: `Bearer ${session.token}` }),
        ...(init?.body !== undefined && { 'Content-Type': 'application/json' }),
      },
      ...(init?.body !== undefined && { body: JSON.stringify(init.body) }),
    });
  } catch {
    throw new ApiFailure(0, 'network', '无法连接服务器，请稍后重试');
  }
  const body = (await response.json().catch(() => ({}))) as {
    error?: { code?: string; message?: string; details?: unknown };
  };
  if (!response.ok)
    throw new ApiFailure(
      response.status,
      body.error?.code ?? 'internal',
      body.error?.message ?? response.statusText,
      body.error?.details,
    );
  return body as T;
}

export interface Precedent {
  commentId: string;
  reviewId: string;
  region: string;
  documentTitle: string;
  article?: string;
  articleText?: string;
  text: string;
  severity: string;
  basis?: string;
  conclusion: string;
  opinionNumber?: string;
  closedAt: string;
  score: number;
}

export const SEVERITY: Record<string, string> = { blocking: '实质性', amend: '修改', advisory: '建议' };
export const CONCLUSION: Record<string, string> = {
  legal: '合法',
  legal_after_revision: '修改后合法',
  illegal: '不合法',
  returned: '退回',
  withdrawn: '撤回',
};

/**
 * `text` with the parts that match the query marked: each space-separated term where it occurs,
 * else each pair of its characters (a search matches on words and character pairs).
 */
export function highlighted(text: string, query: string): ReactNode {
  const terms = query.split(/\s+/).filter((t) => t.length > 0);
  const parts = new Set<string>();
  for (const term of terms) {
    if (text.includes(term)) parts.add(term);
    else
      for (let i = 0; i + 2 <= term.length; i++)
        if (text.includes(term.slice(i, i + 2))) parts.add(term.slice(i, i + 2));
  }
  if (parts.size === 0) return text;
  const pattern = new RegExp(
    `(${[...parts]
      .sort((a, b) => b.length - a.length)
      .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('|')})`,
  );
  return text.split(pattern).map((piece, i) => (parts.has(piece) ? <mark key={i}>{piece}</mark> : piece));
}

export function PrecedentItem({ p, query = '' }: { p: Precedent; query?: string }) {
  return (
    <List.Item data-testid="precedent">
      <List.Item.Meta
        title={
          <span>
            <Tag>{REGION[p.region] ?? p.region}</Tag>
            {p.documentTitle}
            {p.article && ` ${articleZh(p.article)}`}{' '}
            <Tag color={p.severity === 'blocking' ? 'red' : 'default'}>{SEVERITY[p.severity] ?? p.severity}</Tag>
            <Tag>{CONCLUSION[p.conclusion] ?? p.conclusion}</Tag>
          </span>
        }
        description={
          <>
            <div>{highlighted(p.text, query)}</div>
            {p.basis && <div>依据：{p.basis}</div>}
            {p.articleText && <div className="precedent-article">条文：{highlighted(p.articleText, query)}</div>}
            <div>
              {p.opinionNumber ?? ''} {p.closedAt.slice(0, 10)}
            </div>
          </>
        }
      />
    </List.Item>
  );
}

/** The task page's panel: the five past comments most like the selected article. */
export function PrecedentsPanel({ taskId, article }: { taskId: string; article?: string }) {
  const [items, setItems] = useState<Precedent[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (!article) return;
    let current = true;
    setItems(undefined);
    exchangeCall<{ items: Precedent[] }>(
      `/v1/tasks/${encodeURIComponent(taskId)}/precedents?article=${encodeURIComponent(article)}`,
    )
      .then((r) => current && setItems(r.items))
      .catch((e: Error) => current && setError(e.message));
    return () => {
      current = false;
    };
  }, [taskId, article]);
  if (!article) return null;
  return (
    <Card
      title={`相似案例（${articleZh(article)}）`}
      size="small"
      style={{ marginBottom: 16 }}
      data-testid="precedents-panel"
    >
      {error ? (
        <span>{error}</span>
      ) : !items ? (
        <Spin aria-label="加载中" />
      ) : items.length === 0 ? (
        <Empty description="暂无相似案例" />
      ) : (
        <List size="small" dataSource={items} renderItem={(p) => <PrecedentItem p={p} />} />
      )}
    </Card>
  );
}
