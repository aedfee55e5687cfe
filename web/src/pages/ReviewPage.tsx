/** A review's timeline: its steps and clock, its history (with clock stops) and its deadlines. */
import { Alert, Button, Card, Spin, Table, Tag, Timeline, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, call, type Review, type Schemas } from '../api/client';
import { cst, DECISION, errorText, KIND, REGION, ROLE, STAGE } from '../labels';
import { hasOpinion, RecordLinks } from '../frozen-record';
import { ReviewSteps } from '../review-parts';

/** Every step the review log records (domain/review-log.ts), as the timeline names it. */
const EVENT: Record<NonNullable<Schemas['Event']['type']>, string> = {
  submitted: '送审',
  accepted: '受理',
  clock_started: '开始计时',
  clock_stopped: '计时中止',
  clock_resumed: '计时恢复',
  task_opened: '任务开始',
  stage_changed: '进入环节',
  task_completed: '任务办结',
  resubmitted: '重新送审',
  revision_letter: '出具修改意见书',
  extension_requested: '申请延期',
  limit_extended: '延长期限',
  calendar_updated: '按新工作日历重算期限',
  consultation_expired: '征求意见逾期未复',
  reminder_sent: '到期提醒',
  task_overdue: '任务逾期',
  escalated: '督办',
  review_overdue: '审核超期',
  task_assigned: '分办',
  task_claimed: '认领',
  task_released: '退回待分办',
  approved: '审核通过',
  rejected: '不予通过',
  returned: '退回',
  withdrawn: '撤回',
  terminated_externally: '流程被外部终止',
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
  const closed = hasOpinion(review);
  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 20 }}>
        审核 {review.registrationNumber ?? '（尚未受理）'}（{review.org}）
      </Typography.Title>
      <ReviewSteps review={review} />
      {closed && (
        <Link to={`/reviews/${encodeURIComponent(reviewId)}/opinion`}>
          <Button type="primary" style={{ marginBottom: 16 }}>
            查看合法性审核意见书
          </Button>
        </Link>
      )}
      <RecordLinks review={review} />
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
      <Card title="审核经过" size="small" data-testid="review-timeline">
        <Timeline
          items={(review.history ?? []).map((h) => {
            return {
              color: h.type?.includes('clock') ? 'gray' : 'blue',
              children: (
                <span>
                  {cst(h.at)} <Tag>{h.type ? EVENT[h.type] : ''}</Tag>
                  {h.kind ? `${KIND[h.kind] ?? h.kind} ` : ''}
                  {h.stage ? `${STAGE[h.stage] ?? h.stage} ` : ''}
                  {h.type === 'resubmitted' && h.version ? `第 ${h.version} 版 ` : ''}
                  {h.decision ? (DECISION[h.decision] ?? h.decision) : ''}
                  {h.actor ? ` ${actorText(h.actor)}` : ''}
                </span>
              ),
            };
          })}
        />
      </Card>
    </>
  );
}

/** Who acted, by name where the log has it, with their region and role: "李审（北京·审核员）". */
function actorText(actor: NonNullable<Schemas['Event']['actor']>): string {
  const where = [REGION[actor.region ?? ''], ROLE[actor.role ?? '']].filter(Boolean).join('·');
  return actor.name ? `${actor.name}（${where}）` : `（${where}）`;
}
