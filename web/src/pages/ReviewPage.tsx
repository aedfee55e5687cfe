/** A review's timeline: its steps and clock, its history (with clock stops) and its deadlines. */
import { Alert, Button, Card, Spin, Table, Tag, Timeline, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, call, type Review } from '../api/client';
import { cst, errorText, KIND, REGION, ROLE } from '../labels';
import { ReviewSteps } from '../review-parts';

const EVENT: Record<string, string> = {
  submitted: '送审',
  accepted: '受理',
  task_opened: '任务开始',
  task_completed: '任务办结',
  clock_stopped: '计时中止',
  clock_resumed: '计时恢复',
  closed: '办结',
  withdrawn: '撤回',
};

export default function ReviewPage() {
  const { reviewId = '' } = useParams();
  const [review, setReview] = useState<Review>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    call(api.GET('/v1/reviews/{reviewId}', { params: { path: { reviewId } } }))
      .then(setReview)
      .catch((err: unknown) => setError(errorText(err)));
  }, [reviewId]);
  if (error) return <Alert type="error" showIcon role="alert" message={error} />;
  if (!review) return <Spin aria-label="加载中" />;
  const closed = review.status === 'approved' || review.status === 'rejected' || review.status === 'returned';
  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 20 }}>
        审核 {review.reviewId}
      </Typography.Title>
      <ReviewSteps review={review} />
      {closed && (
        <Link to={`/reviews/${encodeURIComponent(reviewId)}/opinion`}>
          <Button type="primary" style={{ marginBottom: 16 }}>
            查看合法性审核意见书
          </Button>
        </Link>
      )}
      <Card title="期限" size="small" style={{ marginBottom: 16 }}>
        <Table
          rowKey="taskId"
          size="small"
          pagination={false}
          dataSource={review.deadlines?.tasks ?? []}
          locale={{ emptyText: '无进行中的任务' }}
          columns={[
            { title: '任务', dataIndex: 'kind', render: (k: string) => KIND[k] ?? k },
            { title: '地区', dataIndex: 'region', render: (r: string) => REGION[r] ?? r },
            {
              title: '期限',
              dataIndex: 'dueAt',
              render: (at: string | null, t) => <span className={t.overdue ? 'overdue' : undefined}>{cst(at)}</span>,
            },
          ]}
        />
      </Card>
      <Card title="审核经过" size="small">
        <Timeline
          items={(review.history ?? []).map((h) => {
            const extra = h as { kind?: string; decision?: string };
            return {
              color: h.type?.includes('clock') ? 'gray' : 'blue',
              children: (
                <span>
                  {cst(h.at)} <Tag>{EVENT[h.type ?? ''] ?? h.type}</Tag>
                  {extra.kind ? `${KIND[extra.kind] ?? extra.kind} ` : ''}
                  {extra.decision ?? ''}
                  {h.actor ? `（${REGION[h.actor.region ?? ''] ?? ''}${ROLE[h.actor.role ?? ''] ?? ''}）` : ''}
                </span>
              ),
            };
          })}
        />
      </Card>
    </>
  );
}
