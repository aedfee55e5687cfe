/**
 * One document for its drafter: its versions, submitting it, following the review, answering a
 * revision request (a disposition for each comment, a new version, resubmit), withdrawing.
 */
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Form,
  Input,
  List,
  Popconfirm,
  Select,
  Space,
  Spin,
  Tag,
  Typography,
} from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, call, type Comment, type DocumentView, type Review, type Task } from '../api/client';
import { chosen, RefusalAlert, showRefusal } from '../forms';
import { articleZh, cst, DISPOSITION, DOCUMENT_STATUS, errorText, KIND, SEVERITY, SEVERITY_COLOR } from '../labels';
import { RecordLinks } from '../frozen-record';
import { AfterReviewPanel } from '../after-review';
import { AttachmentsCard } from '../attachments';
import { hasRole, useSession } from '../session';
import { ReviewSteps, VersionCompare } from '../review-parts';

interface AnswerForm {
  dispositions: Record<string, { status?: string; reason?: string }>;
}

export default function DocumentPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const [doc, setDoc] = useState<DocumentView>();
  // 加急: asked for when submitting (the review's shorter limits; the work list marks it).
  const [urgent, setUrgent] = useState(false);
  const [review, setReview] = useState<Review>();
  const [tasks, setTasks] = useState<Task[]>([]);
  const [comments, setComments] = useState<Comment[]>([]);
  const [error, setError] = useState<string>();
  const [refusal, setRefusal] = useState<ReturnType<typeof showRefusal>>();
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<AnswerForm>();
  const { session } = useSession();

  const load = useCallback(async () => {
    try {
      const d = await call(api.GET('/v1/documents/{id}', { params: { path: { id } } }));
      setDoc(d);
      // The review under way, else the document's latest (review ids end in their number).
      const reviewId = d.activeReviewId ?? (d.reviewCount ? `review:${id}:${d.reviewCount}` : undefined);
      if (reviewId) {
        const r = await call(api.GET('/v1/reviews/{reviewId}', { params: { path: { reviewId } } }));
        setReview(r);
        const [t, c] = await Promise.all([
          call(api.GET('/v1/tasks', { params: { query: { reviewId, status: 'open' } } })),
          call(api.GET('/v1/documents/{id}/comments', { params: { path: { id } } })),
        ]);
        setTasks(t.items);
        setComments(c.items);
      }
    } catch (err) {
      setError(errorText(err));
    }
  }, [id]);
  useEffect(() => {
    void load();
  }, [load]);

  const act = async (what: () => Promise<unknown>) => {
    setBusy(true);
    setRefusal(undefined);
    try {
      await what();
      await load();
    } catch (err) {
      setRefusal(showRefusal(form, err));
    } finally {
      setBusy(false);
    }
  };

  if (error) return <Alert type="error" showIcon message={error} role="alert" />;
  if (!doc) return <Spin aria-label="加载中" />;

  const isOwner = hasRole(session, 'drafter') && session.org === doc.org && session.region === doc.region;
  const revision = tasks.find((t) => t.kind === 'revision' && t.status === 'open');
  const supplement = tasks.find((t) => t.kind === 'supplement' && t.status === 'open');
  // The comments the drafter answers: those on the version under review.
  const toAnswer = comments.filter((c) => revision && c.version === revision.version);
  const inReview = review?.status === 'in_review';

  const submit = () =>
    act(async () => {
      await call(api.POST('/v1/documents/{id}/reviews', { params: { path: { id } }, body: urgent ? { urgent } : {} }));
    });
  const withdraw = () =>
    act(() =>
      call(
        api.POST('/v1/reviews/{reviewId}/withdraw', { params: { path: { reviewId: review!.reviewId! } }, body: {} }),
      ),
    );
  const resubmit = (values: AnswerForm) =>
    act(() =>
      call(
        api.POST('/v1/tasks/{taskId}/complete', {
          params: { path: { taskId: revision!.id! } },
          body: {
            decision: 'resubmit',
            dispositions: toAnswer
              .filter((c) => values.dispositions?.[c.id!]?.status)
              .map((c) => {
                const d = values.dispositions[c.id!];
                return {
                  commentId: c.id!,
                  status: d.status as 'adopted' | 'partly_adopted' | 'not_adopted',
                  ...(d.reason ? { reason: d.reason } : {}),
                };
              }),
          },
        }),
      ),
    );

  return (
    <>
      <Card
        title={
          <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
            {doc.title}
          </Typography.Title>
        }
        style={{ marginBottom: 16 }}
        extra={
          <Space>
            <Tag data-testid="document-status">{DOCUMENT_STATUS[doc.status ?? ''] ?? doc.status}</Tag>
            {!inReview && <Button onClick={() => navigate(`/documents/${id}/edit`)}>修改（新版本）</Button>}
            {!inReview && (
              <Checkbox checked={urgent} onChange={(e) => setUrgent(e.target.checked)} data-testid="urgent">
                加急
              </Checkbox>
            )}
            {!inReview && (
              <Button type="primary" loading={busy} onClick={() => void submit()}>
                提交审核
              </Button>
            )}
            {inReview && (
              <Popconfirm title="确定撤回本次审核？" okText="撤回" cancelText="取消" onConfirm={() => void withdraw()}>
                <Button danger>撤回</Button>
              </Popconfirm>
            )}
          </Space>
        }
      >
        <Descriptions size="small" column={2}>
          <Descriptions.Item label="起草单位">{doc.org}</Descriptions.Item>
          <Descriptions.Item label="当前版本">第 {doc.currentVersion} 版</Descriptions.Item>
          <Descriptions.Item label="更新时间">{cst(doc.updatedAt)}</Descriptions.Item>
        </Descriptions>
        <RefusalAlert refusal={refusal} />
      </Card>
      {review && <ReviewSteps review={review} />}
      {review && <RecordLinks review={review} withOpinion />}
      <AfterReviewPanel doc={doc} isOwner={isOwner} reload={() => void load()} />
      <AttachmentsCard
        documentId={id}
        attachments={doc.attachments ?? []}
        canUpload={isOwner}
        onUploaded={() => void load()}
      />
      {supplement && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          message={
            <span>
              审核机构要求补正材料：
              <Link to={`/tasks/${supplement.id}`} style={{ textDecoration: 'underline' }}>
                提交补正材料
              </Link>
            </span>
          }
        />
      )}
      {revision && (
        <Card title="答复修改意见并重新提交" style={{ marginBottom: 16 }} data-testid="revision">
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 12 }}
            message={`审核机构要求修改（${KIND.revision}）。请先“修改（新版本）”形成新版本，再逐条答复意见后重新提交。`}
            action={<Button onClick={() => navigate(`/documents/${id}/edit`)}>修改条文</Button>}
          />
          <Form<AnswerForm> form={form} layout="vertical" onFinish={(v) => void resubmit(v)}>
            <List
              dataSource={toAnswer}
              renderItem={(c) => (
                <List.Item>
                  <div style={{ width: '100%' }}>
                    <div>
                      <Tag color={SEVERITY_COLOR[c.severity ?? 'advisory']}>{SEVERITY[c.severity ?? 'advisory']}</Tag>
                      {c.article ? `${articleZh(c.article)}：` : '总体意见：'}
                      {c.text}
                      {c.basis && <Typography.Text type="secondary">（依据：{c.basis}）</Typography.Text>}
                    </div>
                    <Space align="start" style={{ marginTop: 8 }}>
                      <Form.Item
                        name={['dispositions', c.id!, 'status']}
                        label="采纳情况"
                        rules={c.severity === 'advisory' ? [] : [chosen('请选择采纳情况')]}
                      >
                        <Select
                          aria-label={`意见“${c.text}”的采纳情况`}
                          style={{ width: 140 }}
                          allowClear
                          options={Object.entries(DISPOSITION).map(([value, label]) => ({ value, label }))}
                        />
                      </Form.Item>
                      <Form.Item name={['dispositions', c.id!, 'reason']} label="理由（不采纳或部分采纳时必填）">
                        <Input aria-label={`意见“${c.text}”的理由`} style={{ width: 420 }} />
                      </Form.Item>
                    </Space>
                  </div>
                </List.Item>
              )}
            />
            <Button type="primary" htmlType="submit" loading={busy}>
              重新提交审核
            </Button>
          </Form>
        </Card>
      )}
      {(doc.currentVersion ?? 1) > 1 && <VersionCompare documentId={id} latest={doc.currentVersion!} />}
      {comments.length > 0 && (
        <Card title="审核意见" size="small">
          <List
            dataSource={comments}
            renderItem={(c) => (
              <List.Item>
                第 {c.version} 版 · {c.article ? `${articleZh(c.article)}` : '总体'} ·{' '}
                <Tag color={SEVERITY_COLOR[c.severity ?? 'advisory']}>{SEVERITY[c.severity ?? 'advisory']}</Tag>
                {c.text}
                {c.disposition && <Tag style={{ marginLeft: 8 }}>{DISPOSITION[c.disposition.status ?? '']}</Tag>}
              </List.Item>
            )}
          />
        </Card>
      )}
    </>
  );
}
