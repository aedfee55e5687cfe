/** Pieces several screens show: the review's steps with its clock, and a version comparison. */
import { Alert, Card, Descriptions, Select, Space, Steps, Table, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { api, call, type Review } from './api/client';
import { articleZh, cst, errorText, REVIEW_STATUS, STAGE } from './labels';

const STEP_OF: Record<string, number> = {
  intake: 0,
  origin_review: 1,
  revision: 1,
  consultation: 2,
  consolidation: 3,
  signoff: 4,
  closed: 5,
};

export function ReviewSteps({ review }: { review: Review }) {
  const stage = review.stage ?? 'intake';
  const current = STEP_OF[stage] ?? 0;
  const closedBadly = review.status !== 'in_review' && review.status !== 'approved';
  return (
    <Card size="small" title="审核进度" style={{ marginBottom: 16 }}>
      <Steps
        size="small"
        current={current}
        status={stage === 'revision' || closedBadly ? 'error' : current === 5 ? 'finish' : 'process'}
        items={[
          { title: '受理' },
          { title: '本地审核', description: stage === 'revision' ? '退回修改中' : undefined },
          { title: '协同征求意见' },
          { title: '汇总' },
          { title: '签发' },
        ]}
      />
      <Descriptions size="small" column={3} style={{ marginTop: 12 }}>
        <Descriptions.Item label="状态">
          <Tag>{REVIEW_STATUS[review.status ?? ''] ?? review.status}</Tag> {STAGE[stage]}
        </Descriptions.Item>
        <Descriptions.Item label="审核期限">{cst(review.deadlines?.reviewDueAt)}</Descriptions.Item>
        <Descriptions.Item label="计时">
          {review.status !== 'in_review' ? (
            // Closed: the figures are those at closing (the clock no longer runs).
            `已办结，用时 ${review.deadlines?.workingDaysUsed ?? 0} 个工作日`
          ) : (
            <>
              {review.deadlines?.clockRunning ? '计时中' : stage === 'intake' ? '受理后开始计时' : '计时中止'}，已用{' '}
              {review.deadlines?.workingDaysUsed ?? 0} 个工作日，剩余{' '}
              <span className={review.deadlines?.overdue ? 'overdue' : undefined}>
                {review.deadlines?.workingDaysLeft ?? '—'}
              </span>{' '}
              个工作日
            </>
          )}
        </Descriptions.Item>
      </Descriptions>
    </Card>
  );
}

type Compared = {
  number: string;
  change: string;
  before?: string;
  after?: string;
  marked?: { change?: string; text?: string }[];
};

const CHANGE: Record<string, string> = { added: '新增', removed: '删除', changed: '修改', same: '未变' };

/** Article by article, what changed between two versions (the API's compare endpoint). */
export function VersionCompare({ documentId, latest }: { documentId: string; latest: number }) {
  const [a, setA] = useState(Math.max(1, latest - 1));
  const [b, setB] = useState(latest);
  const [rows, setRows] = useState<Compared[]>([]);
  const [error, setError] = useState<string>();
  useEffect(() => {
    setError(undefined);
    call(
      api.GET('/v1/documents/{id}/versions/{a}/compare/{b}', {
        params: { path: { id: documentId, a: String(a), b: String(b) } },
      }),
    )
      .then((data) => setRows((data.articles ?? []) as Compared[]))
      .catch((err: unknown) => setError(errorText(err)));
  }, [documentId, a, b]);
  const versions = Array.from({ length: latest }, (_, i) => ({ value: i + 1, label: `第 ${i + 1} 版` }));
  return (
    <Card size="small" title="版本比较" style={{ marginBottom: 16 }}>
      <Space style={{ marginBottom: 8 }}>
        <Select aria-label="比较的原版本" value={a} options={versions} onChange={setA} style={{ width: 110 }} />→
        <Select aria-label="比较的新版本" value={b} options={versions} onChange={setB} style={{ width: 110 }} />
      </Space>
      {error && <Alert type="error" message={error} />}
      <Table<Compared>
        rowKey="number"
        size="small"
        pagination={false}
        dataSource={rows}
        columns={[
          { title: '条', dataIndex: 'number', width: 60, render: (n: string) => articleZh(n) },
          {
            title: '变化',
            dataIndex: 'change',
            width: 80,
            render: (c: string) => (
              <Tag color={c === 'same' ? undefined : c === 'removed' ? 'red' : 'green'}>{CHANGE[c] ?? c}</Tag>
            ),
          },
          {
            title: '内容',
            key: 'text',
            render: (_: unknown, row) =>
              row.marked ? (
                <span data-testid="diff">
                  {row.marked.map((m, i) => (
                    <span
                      key={i}
                      className={
                        m.change === 'added' ? 'diff-added' : m.change === 'removed' ? 'diff-removed' : undefined
                      }
                    >
                      {m.text}
                    </span>
                  ))}
                </span>
              ) : (
                (row.after ?? row.before)
              ),
          },
        ]}
      />
    </Card>
  );
}
