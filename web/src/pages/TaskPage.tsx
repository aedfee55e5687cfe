/**
 * A task: the draft article by article, comments anchored to the selected article, the seven-item
 * checklist, and only the decisions that fit the task's kind. Consolidation shows the consulted
 * regions' answers side by side; sign-off previews the opinion. A refused decision keeps the form.
 * Beside each article, its assistive-review flags (合法性预检): the matched words marked, one click
 * to make a comment of a flag (its explanation, basis and suggested severity filled in) or to set
 * it aside, which is sent with the decision. A flag never decides anything.
 */
import { PrecedentsPanel } from '../exchange';
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Form,
  Input,
  List,
  Radio,
  Row,
  Select,
  Space,
  Spin,
  Tag,
  Typography,
} from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { AssignmentBar } from '../assignment';
import { Link, useParams } from 'react-router-dom';
import {
  api,
  call,
  type Comment,
  type DocumentView,
  type Review,
  type Schemas,
  type Task,
  type VersionView,
} from '../api/client';
import { AttachmentsCard } from '../attachments';
import { ExtensionRequest } from '../extension';
import { DraftOpinion } from '../frozen-record';
import { basisText, FlagList, flagKey, MarkedText, type Flag } from '../assist';
import { chosen, RefusalAlert, showRefusal } from '../forms';
import {
  articleZh,
  CHECK_ITEM,
  CHECK_RESULT,
  CONSULTATION_STATUS,
  cst,
  DISPOSITION,
  dueDayText,
  FLAG_CATEGORY,
  DECISION,
  errorText,
  KIND,
  MATERIAL,
  REGION,
  RETURN_GROUNDS,
  SEVERITY,
  SEVERITY_COLOR,
  STAGE,
  TASK_STATUS,
} from '../labels';
import { MaterialsRequestNotice } from '../sent-back';
import { workingDaysLeft } from '../workdays';
import { ReviewSteps, VersionCompare } from '../review-parts';
// The decisions each task kind takes: the engine's own table, so the console offers exactly those.
import { DECISIONS_BY_KIND } from '../../../domain/model';

const WITH_COMMENTS = new Set(['origin_review', 'consultation', 'consolidation']);
/** The tasks of the origin review body from which a reviewer asks for more time (延期). */
const MAY_ASK_FOR_TIME = new Set(['origin_review', 'consolidation']);

type SavedDraft = Schemas['TaskDraft'];

interface DecisionForm {
  decision?: string;
  opinion?: string;
  comments: { article?: string; severity?: string; text: string; basis?: string }[];
  checklist: { item: string; result?: string; note?: string }[];
  missing?: string[];
  grounds?: string;
  materials?: Record<string, string>;
  /** At consolidation: how each consulted region's comment is dealt with, by comment id. */
  dispositions?: Record<string, { status?: string; reason?: string }>;
}

export default function TaskPage() {
  const { taskId = '' } = useParams();
  const [task, setTask] = useState<Task>();
  const [review, setReview] = useState<Review>();
  const [version, setVersion] = useState<VersionView>();
  const [doc, setDoc] = useState<DocumentView>();
  // The decision saved as a draft (暂存), restored into the form when the page opens.
  const [saved, setSaved] = useState<SavedDraft>();
  const [savedNote, setSavedNote] = useState<string>();
  const [comments, setComments] = useState<Comment[]>([]);
  const [error, setError] = useState<string>();
  const [refusal, setRefusal] = useState<ReturnType<typeof showRefusal>>();
  const [done, setDone] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [article, setArticle] = useState<string>();
  const [draft, setDraft] = useState({ severity: 'amend', text: '', basis: '' });
  // Flags set aside, by flagKey, with the reviewer's reason.
  const [dismissed, setDismissed] = useState<Record<string, { ruleId: string; article: string; reason: string }>>({});
  const commentText = useRef<HTMLTextAreaElement>(null);
  const [form] = Form.useForm<DecisionForm>();

  const load = useCallback(async () => {
    try {
      const t = await call(api.GET('/v1/tasks/{taskId}', { params: { path: { taskId } } }));
      setTask(t);
      const open = t.status === 'open';
      const [r, v, c, d, s] = await Promise.all([
        call(api.GET('/v1/reviews/{reviewId}', { params: { path: { reviewId: t.reviewId! } } })),
        call(
          api.GET('/v1/documents/{id}/versions/{version}', {
            params: { path: { id: t.documentId!, version: String(t.version) } },
          }),
        ),
        call(api.GET('/v1/documents/{id}/comments', { params: { path: { id: t.documentId! } } })),
        // Its attachments: the page works without them.
        call(api.GET('/v1/documents/{id}', { params: { path: { id: t.documentId! } } })).catch(() => undefined),
        open
          ? call(api.GET('/v1/tasks/{taskId}/draft', { params: { path: { taskId } } })).catch(() => undefined)
          : undefined,
      ]);
      setReview(r);
      setVersion(v);
      setComments(c.items);
      setDoc(d);
      setSaved(s?.savedAt ? s : undefined);
      setSavedNote(s?.savedAt ? `已恢复${cst(s.savedAt)}暂存的内容，可继续填写。` : undefined);
      setDismissed(
        Object.fromEntries((s?.body.dismissedFlags ?? []).map((d) => [flagKey(d), { ...d, reason: d.reason ?? '' }])),
      );
    } catch (err) {
      setError(errorText(err));
    }
  }, [taskId]);
  useEffect(() => {
    void load();
  }, [load]);

  /** What the form holds, as the API takes it: a decision, or a draft of one. */
  const decisionBody = (values: DecisionForm): Record<string, unknown> => {
    const decision = values.decision;
    const body: Record<string, unknown> = decision ? { decision } : {};
    if (values.opinion?.trim()) body.opinion = values.opinion;
    if (values.comments?.length) body.comments = values.comments;
    const setAside = Object.values(dismissed);
    if (WITH_COMMENTS.has(task?.kind ?? '') && setAside.length > 0) {
      body.dismissedFlags = setAside.map((d) => ({
        ruleId: d.ruleId,
        article: d.article,
        ...(d.reason.trim() ? { reason: d.reason.trim() } : {}),
      }));
    }
    const checks = (values.checklist ?? []).filter((c) => c.result);
    if (task?.kind === 'origin_review' && checks.length > 0) {
      body.checklist = checks.map((c) => ({ item: c.item, result: c.result, ...(c.note ? { note: c.note } : {}) }));
    }
    if (values.missing?.length) body.missing = values.missing;
    if (values.grounds) body.grounds = values.grounds;
    const dispositions = Object.entries(values.dispositions ?? {}).filter(([, d]) => d?.status);
    if (dispositions.length > 0) {
      body.dispositions = dispositions.map(([commentId, d]) => ({
        commentId,
        status: d.status,
        ...(d.reason?.trim() ? { reason: d.reason.trim() } : {}),
      }));
    }
    if (decision === 'supplement' || (task?.kind === 'supplement' && values.materials)) {
      body.materials = Object.fromEntries(Object.entries(values.materials ?? {}).filter(([, v]) => v && v.trim()));
    }
    return body;
  };

  const decide = async (values: DecisionForm) => {
    setBusy(true);
    setRefusal(undefined);
    const decision = values.decision;
    const body = decisionBody(values);
    try {
      const answer = await call(
        api.POST('/v1/tasks/{taskId}/complete', {
          params: { path: { taskId } },
          body: body as never,
        }),
      );
      const stage = STAGE[answer.review?.stage ?? ''];
      setDone(`已办理：${DECISION[decision ?? ''] ?? decision}。${stage ? `审核现处于“${stage}”阶段。` : ''}`);
      await load();
    } catch (err) {
      setRefusal(showRefusal(form, err));
    } finally {
      setBusy(false);
    }
  };

  /** 暂存: keeps what the form holds, to be restored when the page opens again. */
  const saveDraft = async () => {
    setBusy(true);
    setRefusal(undefined);
    try {
      const kept = await call(
        api.PUT('/v1/tasks/{taskId}/draft', {
          params: { path: { taskId } },
          body: decisionBody(form.getFieldsValue(true) as DecisionForm) as never,
        }),
      );
      setSavedNote(`已于${cst(kept.savedAt)}暂存，下次打开本任务时自动恢复。`);
    } catch (err) {
      setRefusal(showRefusal(form, err));
    } finally {
      setBusy(false);
    }
  };

  if (error) return <Alert type="error" showIcon role="alert" message={error} />;
  if (!task || !review) return <Spin aria-label="加载中" />;

  const kind = task.kind ?? 'intake';
  const open = task.status === 'open';
  const articles = version?.articles ?? [];
  const others = comments.filter((c) => c.author?.region !== review.originRegion);
  const byRegion = Object.keys(review.consultations ?? {});
  // The consulted regions' comments on the version under review: each gets a disposition at 汇总.
  const consulted = others.filter((c) => c.version === task.version);
  // The origin body's comments of every round, with the drafter's answers: what consulted regions build on.
  const originRound = comments.filter((c) => c.author?.region === review.originRegion);
  const flags: Flag[] = task.flags ?? [];
  const actsOnFlags = open && WITH_COMMENTS.has(kind);
  const restored = saved?.body;
  const initialValues: DecisionForm = {
    comments: restored?.comments ?? [],
    checklist: CHECK_ITEM.map(([item]) => restored?.checklist?.find((c) => c.item === item) ?? { item }),
    ...(restored?.decision && { decision: restored.decision }),
    ...(restored?.opinion && { opinion: restored.opinion }),
    ...(restored?.missing && { missing: restored.missing }),
    ...(restored?.grounds && { grounds: restored.grounds }),
    ...(restored?.dispositions && {
      dispositions: Object.fromEntries(restored.dispositions.map(({ commentId, ...d }) => [commentId, d])),
    }),
    ...(restored?.materials && { materials: restored.materials }),
  };

  /** Fills the comment editor from a flag: its article, explanation, basis and suggested severity. */
  const commentOn = (flag: Flag) => {
    setArticle(flag.article);
    setDraft({ severity: flag.severity, text: flag.explanation, basis: basisText(flag) });
    setDismissed(({ [flagKey(flag)]: _dropped, ...rest }) => rest);
    commentText.current?.focus();
  };
  const toggleDismissed = (flag: Flag) =>
    setDismissed(({ [flagKey(flag)]: was, ...rest }) =>
      was ? rest : { ...rest, [flagKey(flag)]: { ruleId: flag.ruleId, article: flag.article, reason: '' } },
    );
  const flagActions = (flag: Flag) => {
    const label = `${articleZh(flag.article)}“${flag.match.text || FLAG_CATEGORY[flag.category]}”`;
    const isDismissed = dismissed[flagKey(flag)] !== undefined;
    return (
      <Space size={4}>
        <Button size="small" onClick={() => commentOn(flag)} aria-label={`将${label}的提示转为意见`}>
          转为意见
        </Button>
        <Button
          size="small"
          onClick={() => toggleDismissed(flag)}
          aria-label={`${isDismissed ? '撤销忽略' : '忽略'}${label}的提示`}
        >
          {isDismissed ? '撤销忽略' : '忽略'}
        </Button>
      </Space>
    );
  };
  const dismissalReason = (flag: Flag) => {
    const entry = dismissed[flagKey(flag)];
    if (!entry) return null;
    return (
      <div>
        <Tag>已忽略</Tag>
        <Input
          size="small"
          style={{ width: 360 }}
          placeholder="忽略理由（可选，随决定一并记录）"
          aria-label={`忽略${articleZh(flag.article)}提示的理由`}
          value={entry.reason}
          onChange={(e) => setDismissed({ ...dismissed, [flagKey(flag)]: { ...entry, reason: e.target.value } })}
        />
      </div>
    );
  };

  const addComment = () => {
    if (!draft.text.trim()) return;
    const list = form.getFieldValue('comments') as DecisionForm['comments'] | undefined;
    form.setFieldValue('comments', [
      ...(list ?? []),
      {
        ...(article ? { article } : {}),
        severity: draft.severity,
        text: draft.text.trim(),
        ...(draft.basis.trim() ? { basis: draft.basis.trim() } : {}),
      },
    ]);
    setDraft({ severity: draft.severity, text: '', basis: '' });
  };

  return (
    <>
      <Card
        title={
          <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
            {KIND[kind]}：{version?.title}
          </Typography.Title>
        }
        extra={<Tag data-testid="task-status">{TASK_STATUS[task.status ?? '']}</Tag>}
        style={{ marginBottom: 16 }}
      >
        <Descriptions size="small" column={3}>
          {/* The 受理编号 once intake has registered it; no internal id before that. */}
          <Descriptions.Item label="受理编号">{review.registrationNumber ?? '尚未受理'}</Descriptions.Item>
          <Descriptions.Item label="送审版本">第 {task.version} 版</Descriptions.Item>
          <Descriptions.Item label="办理期限">
            <span className={task.overdue ? 'overdue' : undefined} data-testid="task-due">
              {dueDayText(task.dueAt)}
              {task.dueAt && open && `（${task.overdue ? '已逾期' : `剩余${workingDaysLeft(task.dueAt)}个工作日`}）`}
            </span>
          </Descriptions.Item>
        </Descriptions>
        <AssignmentBar task={task} onChange={(changed) => setTask({ ...task, ...changed })} />
        {done && <Alert type="success" showIcon message={done} data-testid="done" />}
      </Card>
      {kind === 'supplement' && open && <MaterialsRequestNotice reviewId={task.reviewId!} />}
      <ReviewSteps review={review} />
      {kind === 'signoff' && open && <DraftOpinion reviewId={review.reviewId!} />}
      <Row gutter={16}>
        <Col span={12}>
          <Card title="草案条文（点击条文以针对该条提出意见）" size="small" style={{ marginBottom: 16 }}>
            {flags.length > 0 && (
              <Alert
                type="warning"
                showIcon
                style={{ marginBottom: 8 }}
                data-testid="flag-summary"
                message={`合法性预检发现 ${flags.length} 处提示：仅供参考，不构成审核结论，也不影响办理。`}
              />
            )}
            {articles.map((a) => (
              <div key={a.number}>
                <div
                  role="button"
                  tabIndex={0}
                  aria-pressed={article === a.number}
                  className={`article-row${article === a.number ? ' selected' : ''}`}
                  onClick={() => setArticle(article === a.number ? undefined : a.number)}
                  onKeyDown={(e) => e.key === 'Enter' && setArticle(article === a.number ? undefined : a.number)}
                >
                  <strong>{articleZh(a.number)}</strong>{' '}
                  <MarkedText text={a.text ?? ''} flags={flags.filter((f) => f.article === a.number)} />
                  {comments
                    .filter((c) => c.article === a.number && c.version === task.version)
                    .map((c) => (
                      <div key={c.id}>
                        <Tag color={SEVERITY_COLOR[c.severity ?? 'advisory']}>
                          {REGION[c.author?.region ?? '']}·{SEVERITY[c.severity ?? 'advisory']}
                        </Tag>
                        {c.text}
                      </div>
                    ))}
                </div>
                <FlagList
                  flags={flags.filter((f) => f.article === a.number)}
                  {...(actsOnFlags && { actions: flagActions, extra: dismissalReason })}
                  dismissed={(f) => dismissed[flagKey(f)] !== undefined}
                />
              </div>
            ))}
            {version?.legalBasis && version.legalBasis.length > 0 && (
              <p style={{ marginTop: 12 }}>制定依据：{version.legalBasis.join('；')}</p>
            )}
            {version?.materials &&
              Object.entries(version.materials).map(([k, v]) => (
                <p key={k}>
                  {MATERIAL[k] ?? k}：{String(v)}
                </p>
              ))}
          </Card>
          {doc && <AttachmentsCard documentId={doc.id!} attachments={doc.attachments ?? []} />}
          <PrecedentsPanel taskId={task.id ?? ''} article={article ?? articles[0]?.number} />
          {(task.version ?? 1) > 1 && <VersionCompare documentId={task.documentId!} latest={task.version!} />}
        </Col>
        <Col span={12}>
          {kind === 'consultation' && (
            <Card title="本地审核意见及起草单位答复" size="small" style={{ marginBottom: 16 }}>
              <List
                size="small"
                locale={{ emptyText: '本地审核未提出意见' }}
                dataSource={originRound}
                renderItem={(c) => (
                  <List.Item data-testid="origin-comment">
                    <div>
                      第 {c.version} 版 · {c.article ? `${articleZh(c.article)}：` : '总体：'}
                      {c.text}
                      <div>
                        起草单位答复：{c.disposition ? DISPOSITION[c.disposition.status ?? ''] : '尚未答复'}
                        {c.disposition?.reason ? `（${c.disposition.reason}）` : ''}
                      </div>
                    </div>
                  </List.Item>
                )}
              />
            </Card>
          )}
          {kind === 'consolidation' && (
            <Card title="各地协同意见" size="small" style={{ marginBottom: 16 }}>
              <Row gutter={8}>
                {byRegion.map((region) => {
                  const answer = review.consultations?.[region];
                  return (
                    <Col span={12} key={region} data-testid={`consultation-${region}`}>
                      <Typography.Title level={2} style={{ fontSize: 15 }}>
                        {REGION[region]}：
                        {DECISION[answer?.decision ?? ''] ?? CONSULTATION_STATUS[answer?.status ?? '']}
                      </Typography.Title>
                      <List
                        size="small"
                        locale={{ emptyText: '无意见' }}
                        dataSource={others.filter((c) => c.author?.region === region)}
                        renderItem={(c) => (
                          <List.Item>
                            {c.article ? `${articleZh(c.article)}：` : ''}
                            {c.text}
                          </List.Item>
                        )}
                      />
                    </Col>
                  );
                })}
              </Row>
            </Card>
          )}
          {open ? (
            <Card title="办理" size="small">
              {savedNote && (
                <Alert
                  type="info"
                  showIcon
                  message={savedNote}
                  data-testid="draft-saved"
                  style={{ marginBottom: 12 }}
                />
              )}
              <RefusalAlert refusal={refusal} />
              <Form<DecisionForm>
                form={form}
                layout="vertical"
                initialValues={initialValues}
                onFinish={(v) => void decide(v)}
              >
                {WITH_COMMENTS.has(kind) && (
                  <Card
                    size="small"
                    type="inner"
                    title={`提出意见${article ? `（${articleZh(article)}）` : '（总体）'}`}
                    style={{ marginBottom: 12 }}
                  >
                    <Space direction="vertical" style={{ width: '100%' }}>
                      <Select
                        aria-label="意见性质"
                        value={draft.severity}
                        onChange={(severity) => setDraft({ ...draft, severity })}
                        options={Object.entries(SEVERITY).map(([value, label]) => ({ value, label }))}
                        style={{ width: 200 }}
                      />
                      <Input.TextArea
                        ref={commentText}
                        aria-label="意见内容"
                        rows={2}
                        value={draft.text}
                        onChange={(e) => setDraft({ ...draft, text: e.target.value })}
                      />
                      <Input
                        aria-label="法律依据"
                        placeholder="法律依据（可选）"
                        value={draft.basis}
                        onChange={(e) => setDraft({ ...draft, basis: e.target.value })}
                      />
                      <Button onClick={addComment}>添加意见</Button>
                    </Space>
                    <Form.List name="comments">
                      {(fields, { remove }) => (
                        <List
                          size="small"
                          dataSource={fields}
                          locale={{ emptyText: '尚未添加意见' }}
                          renderItem={(field) => {
                            const c = form.getFieldValue(['comments', field.name]) as DecisionForm['comments'][number];
                            return (
                              <List.Item
                                data-testid="staged-comment"
                                actions={[
                                  <Button key="x" size="small" onClick={() => remove(field.name)}>
                                    删除
                                  </Button>,
                                ]}
                              >
                                <Form.Item name={[field.name, 'text']} noStyle>
                                  <span>
                                    {c?.article ? `${articleZh(c.article)} · ` : ''}
                                    <Tag color={SEVERITY_COLOR[c?.severity ?? 'advisory']}>
                                      {SEVERITY[c?.severity ?? 'advisory']}
                                    </Tag>
                                    {c?.text}
                                  </span>
                                </Form.Item>
                              </List.Item>
                            );
                          }}
                        />
                      )}
                    </Form.List>
                  </Card>
                )}
                {kind === 'consolidation' && consulted.length > 0 && (
                  <Card size="small" type="inner" title="协同意见的处理" style={{ marginBottom: 12 }}>
                    {consulted.map((c) => (
                      <div key={c.id} data-testid="consulted-comment">
                        <div>
                          {REGION[c.author?.region ?? '']}：{c.article ? `${articleZh(c.article)}：` : ''}
                          {c.text}
                        </div>
                        <Space align="start" wrap>
                          <Form.Item name={['dispositions', c.id!, 'status']} style={{ marginBottom: 8 }}>
                            <Select
                              aria-label={`意见“${c.text}”的处理`}
                              placeholder="处理情况"
                              allowClear
                              style={{ width: 140 }}
                              options={Object.entries(DISPOSITION).map(([value, label]) => ({ value, label }))}
                            />
                          </Form.Item>
                          <Form.Item name={['dispositions', c.id!, 'reason']} style={{ marginBottom: 8 }}>
                            <Input
                              aria-label={`意见“${c.text}”的处理理由`}
                              placeholder="理由（不采纳或部分采纳时必填）"
                            />
                          </Form.Item>
                        </Space>
                      </div>
                    ))}
                  </Card>
                )}
                {kind === 'origin_review' && (
                  <Card size="small" type="inner" title="审核要点（七项）" style={{ marginBottom: 12 }}>
                    <Form.List name="checklist">
                      {(fields, _operations, { errors }) => (
                        <>
                          {fields.map((field, i) => (
                            <Space key={field.key} align="start" style={{ display: 'flex' }}>
                              <span style={{ display: 'inline-block', width: 170, paddingTop: 4 }}>
                                {CHECK_ITEM[i][1]}
                              </span>
                              <Form.Item name={[field.name, 'result']} style={{ marginBottom: 8 }}>
                                <Radio.Group
                                  aria-label={`${CHECK_ITEM[i][1]}审核结果`}
                                  options={Object.entries(CHECK_RESULT).map(([value, label]) => ({ value, label }))}
                                />
                              </Form.Item>
                              <Form.Item name={[field.name, 'note']} style={{ marginBottom: 8 }}>
                                <Input aria-label={`${CHECK_ITEM[i][1]}说明`} placeholder="说明" />
                              </Form.Item>
                            </Space>
                          ))}
                          {/* A refusal that names the whole checklist (e.g. items missing) shows here. */}
                          {errors.length > 0 && (
                            <div className="field-error">
                              <Form.ErrorList errors={errors} />
                            </div>
                          )}
                        </>
                      )}
                    </Form.List>
                    <Button
                      size="small"
                      onClick={() =>
                        form.setFieldValue(
                          'checklist',
                          CHECK_ITEM.map(([item]) => ({ item, result: 'pass' })),
                        )
                      }
                    >
                      全部通过
                    </Button>
                  </Card>
                )}
                <Form.Item label="决定" name="decision" rules={[chosen('请选择决定')]}>
                  <Radio.Group
                    aria-label="决定"
                    options={((DECISIONS_BY_KIND as Record<string, readonly string[]>)[kind] ?? []).map((d) => ({
                      value: d,
                      label: d === 'return' && kind === 'signoff' ? '退回重审' : DECISION[d],
                    }))}
                  />
                </Form.Item>
                {kind === 'intake' && (
                  <>
                    <Form.Item label="缺少的材料（要求补正时）" name="missing">
                      <Select
                        mode="multiple"
                        aria-label="缺少的材料"
                        options={Object.entries(MATERIAL).map(([value, label]) => ({ value, label }))}
                      />
                    </Form.Item>
                  </>
                )}
                {(kind === 'intake' || kind === 'origin_review') && (
                  <Form.Item label="退回理由（退回时）" name="grounds">
                    <Select
                      aria-label="退回理由"
                      allowClear
                      options={Object.entries(RETURN_GROUNDS).map(([value, label]) => ({ value, label }))}
                    />
                  </Form.Item>
                )}
                {kind === 'supplement' &&
                  Object.entries(MATERIAL)
                    .filter(([k]) => k !== 'attachment')
                    .map(([k, label]) => (
                      <Form.Item key={k} label={label} name={['materials', k]}>
                        <Input.TextArea rows={2} />
                      </Form.Item>
                    ))}
                {kind !== 'supplement' && (
                  <Form.Item label="审核意见（不予通过、退回、异议、汇总时必填）" name="opinion">
                    <Input.TextArea rows={3} aria-label="审核意见" />
                  </Form.Item>
                )}
                <Space>
                  <Button type="primary" htmlType="submit" loading={busy}>
                    提交决定
                  </Button>
                  <Button onClick={() => void saveDraft()} loading={busy} aria-label="暂存">
                    暂存
                  </Button>
                </Space>
              </Form>
            </Card>
          ) : (
            <Card size="small">
              <p>
                该任务{TASK_STATUS[task.status ?? '']}
                {task.decision ? `，决定：${DECISION[task.decision] ?? task.decision}` : ''}。
              </p>
              <Link to="/tasks">返回我的待办</Link>
            </Card>
          )}
          {open && MAY_ASK_FOR_TIME.has(kind) && (
            <ExtensionRequest
              review={review}
              onRequested={() =>
                void call(api.GET('/v1/reviews/{reviewId}', { params: { path: { reviewId: review.reviewId! } } }))
                  .then(setReview)
                  .catch(() => undefined)
              }
            />
          )}
        </Col>
      </Row>
    </>
  );
}
