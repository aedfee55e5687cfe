/**
 * The exchange's screens: 研讨交流 (topics: list, raise, thread, answer task), 协同审核指引 (library,
 * proposal, adoption task) and 案例检索 (precedents with filters and highlighted matches).
 */
import { Alert, Button, Card, Descriptions, Form, Input, List, Radio, Select, Space, Spin, Table, Tag } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { exchangeCall, PrecedentItem, type Precedent } from '../exchange';
import { cst, errorText, REGION } from '../labels';
import { hasRole, useSession } from '../session';

interface Actor {
  sub: string;
  name?: string;
  region: string;
}
interface Topic {
  id: string;
  title: string;
  body: string;
  kind: string;
  region: string;
  raisedBy: Actor;
  status: 'open' | 'closed';
  answers: Record<
    string,
    {
      status: string;
      taskId: string;
      dueAt: string;
      opinion?: string;
      basis?: string[];
      answeredBy?: Actor;
      overdueAt?: string;
    }
  >;
  replies: { id: string; body: string; basis?: string[]; by: Actor; at: string }[];
  summary?: string;
  createdAt: string;
}
interface Guideline {
  id: string;
  title: string;
  text: string;
  scope: string;
  basis: string[];
  status: string;
  version: number;
  number?: string;
  supersedes?: string;
  region: string;
  adoptions: Record<string, { status: string; opinion?: string; decidedBy?: Actor }>;
  createdAt: string;
}
interface OpenTask {
  id: string;
  kind: string;
  status: string;
  dueAt: string | null;
  subject: { type: string; id: string };
}

const TOPIC_KIND: Record<string, string> = { common_issue: '共性问题', practice_question: '实务问题' };
const TOPIC_STATUS: Record<string, string> = { open: '讨论中', closed: '已关闭' };
const ANSWER_STATUS: Record<string, string> = { pending: '待答复', answered: '已答复' };
const GUIDELINE_STATUS: Record<string, string> = {
  proposed: '审议中',
  adopted: '现行有效',
  declined: '未通过',
  superseded: '已被替代',
};
const ADOPTION_STATUS: Record<string, string> = { pending: '待审议', adopted: '同意', declined: '不同意' };
const lines = (text?: string) =>
  (text ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** The caller's open task of `kind` about `subjectId`, if any. */
function useOpenTask(kind: string, subjectId: string | undefined, tick: number): OpenTask | undefined {
  const [task, setTask] = useState<OpenTask>();
  useEffect(() => {
    if (!subjectId) return;
    let current = true;
    exchangeCall<{ items: OpenTask[] }>(`/v1/tasks?status=open&kind=${kind}&limit=100`)
      .then((r) => current && setTask(r.items.find((t) => t.subject?.id === subjectId)))
      .catch(() => current && setTask(undefined));
    return () => {
      current = false;
    };
  }, [kind, subjectId, tick]);
  return task;
}

// ---- 研讨交流

export function TopicsPage() {
  const { session } = useSession();
  const navigate = useNavigate();
  const [items, setItems] = useState<Topic[]>();
  const [q, setQ] = useState('');
  const [error, setError] = useState<string>();
  const [form] = Form.useForm();
  const load = useCallback((text: string) => {
    exchangeCall<{ items: Topic[] }>(`/v1/topics?limit=50${text ? `&q=${encodeURIComponent(text)}` : ''}`)
      .then((r) => setItems(r.items))
      .catch((e: unknown) => setError(errorText(e)));
  }, []);
  useEffect(() => load(''), [load]);
  const raise = async (values: { title: string; body: string; kind: string }) => {
    try {
      const topic = await exchangeCall<Topic>('/v1/topics', { method: 'POST', body: values });
      navigate(`/topics/${topic.id}`);
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <section className="page-panel">
      <h1 className="page-title">研讨交流</h1>
      {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 12 }} />}
      <Space style={{ marginBottom: 12 }}>
        <Input.Search
          aria-label="搜索议题"
          placeholder="搜索议题"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          onSearch={load}
        />
      </Space>
      {!items ? (
        <Spin aria-label="加载中" />
      ) : (
        <Table<Topic>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={items}
          columns={[
            { title: '议题', dataIndex: 'title', render: (t: string, r) => <Link to={`/topics/${r.id}`}>{t}</Link> },
            { title: '类型', dataIndex: 'kind', render: (k: string) => TOPIC_KIND[k] ?? k },
            { title: '提出地区', dataIndex: 'region', render: (r: string) => REGION[r] ?? r },
            {
              title: '答复',
              render: (_: unknown, r) =>
                Object.entries(r.answers).map(([region, a]) => (
                  <Tag key={region} color={a.status === 'answered' ? 'green' : 'default'}>
                    {REGION[region]}·{ANSWER_STATUS[a.status] ?? a.status}
                  </Tag>
                )),
            },
            { title: '状态', dataIndex: 'status', render: (s: string) => TOPIC_STATUS[s] ?? s },
            { title: '提出时间', dataIndex: 'createdAt', render: (t: string) => cst(t) },
          ]}
        />
      )}
      {hasRole(session, 'reviewer', 'signer') && (
        <Card title="提出议题" size="small" style={{ marginTop: 16 }}>
          <Form
            form={form}
            layout="vertical"
            onFinish={(v: { title: string; body: string; kind: string }) => void raise(v)}
            initialValues={{ kind: 'practice_question' }}
          >
            <Form.Item name="title" label="标题" rules={[{ required: true, message: '请填写标题' }]}>
              <Input />
            </Form.Item>
            <Form.Item name="kind" label="类型">
              <Radio.Group>
                <Radio value="common_issue">共性问题</Radio>
                <Radio value="practice_question">实务问题</Radio>
              </Radio.Group>
            </Form.Item>
            <Form.Item name="body" label="问题描述" rules={[{ required: true, message: '请填写问题描述' }]}>
              <Input.TextArea rows={4} />
            </Form.Item>
            <Button type="primary" htmlType="submit">
              提出议题
            </Button>
          </Form>
        </Card>
      )}
    </section>
  );
}

export function TopicPage() {
  const { id = '' } = useParams();
  const { session } = useSession();
  const [topic, setTopic] = useState<Topic>();
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const [tick, setTick] = useState(0);
  const task = useOpenTask('topic_answer', id, tick);
  useEffect(() => {
    exchangeCall<Topic>(`/v1/topics/${encodeURIComponent(id)}`)
      .then(setTopic)
      .catch((e: unknown) => setError(errorText(e)));
  }, [id, tick]);
  const act = async (path: string, body: unknown, message: string) => {
    try {
      setError(undefined);
      await exchangeCall(path, { method: 'POST', body });
      setDone(message);
      setTick((t) => t + 1);
    } catch (e) {
      setError(errorText(e));
    }
  };
  if (!topic)
    return error ? <Alert type="error" showIcon role="alert" message={error} /> : <Spin aria-label="加载中" />;
  const participates = hasRole(session, 'reviewer', 'signer');
  return (
    <section className="page-panel">
      <h1 className="page-title">{topic.title}</h1>
      {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 12 }} />}
      {done && <Alert type="success" showIcon message={done} data-testid="done" style={{ marginBottom: 12 }} />}
      <Descriptions size="small" column={3} bordered style={{ marginBottom: 12 }}>
        <Descriptions.Item label="类型">{TOPIC_KIND[topic.kind]}</Descriptions.Item>
        <Descriptions.Item label="提出">
          {REGION[topic.region]}·{topic.raisedBy.name ?? topic.raisedBy.sub}
        </Descriptions.Item>
        <Descriptions.Item label="状态">
          <span data-testid="topic-status">{TOPIC_STATUS[topic.status]}</span>
        </Descriptions.Item>
      </Descriptions>
      <Card size="small" title="问题" style={{ marginBottom: 12 }}>
        {topic.body}
      </Card>
      <Card size="small" title="各地答复" style={{ marginBottom: 12 }}>
        {Object.entries(topic.answers).map(([region, a]) => (
          <div key={region} data-testid={`answer-${region}`} style={{ marginBottom: 8 }}>
            <strong>{REGION[region]}</strong>：{ANSWER_STATUS[a.status]}
            {a.overdueAt && <Tag color="red">已逾期</Tag>}
            {a.status === 'pending' && `（期限 ${cst(a.dueAt)}）`}
            {a.opinion && <div>{a.opinion}</div>}
            {a.basis && <div>依据：{a.basis.join('；')}</div>}
          </div>
        ))}
      </Card>
      <Card size="small" title="讨论" style={{ marginBottom: 12 }}>
        <List
          size="small"
          locale={{ emptyText: '暂无回复' }}
          dataSource={topic.replies}
          renderItem={(r) => (
            <List.Item>
              {REGION[r.by.region]}·{r.by.name ?? r.by.sub}：{r.body}
              {r.basis && `（依据：${r.basis.join('；')}）`}
            </List.Item>
          )}
        />
        {topic.summary && <Alert type="info" message={`结论：${topic.summary}`} />}
      </Card>
      {task && topic.status === 'open' && (
        <Card size="small" title="答复（本地区的研讨答复任务）" style={{ marginBottom: 12 }}>
          <Form
            layout="vertical"
            onFinish={(v: { opinion: string; basis?: string }) =>
              void act(
                `/v1/tasks/${encodeURIComponent(task.id)}/complete`,
                { decision: 'answer', opinion: v.opinion, ...(lines(v.basis).length > 0 && { basis: lines(v.basis) }) },
                '答复已提交',
              )
            }
          >
            <Form.Item name="opinion" label="答复意见" rules={[{ required: true, message: '请填写答复意见' }]}>
              <Input.TextArea rows={3} />
            </Form.Item>
            <Form.Item name="basis" label="依据（每行一项）">
              <Input.TextArea rows={2} />
            </Form.Item>
            <Button type="primary" htmlType="submit">
              提交答复
            </Button>
          </Form>
        </Card>
      )}
      {participates && topic.status === 'open' && (
        <Card size="small" title="回复" style={{ marginBottom: 12 }}>
          <Form
            layout="vertical"
            onFinish={(v: { body: string }) =>
              void act(`/v1/topics/${encodeURIComponent(id)}/replies`, v, '回复已发表')
            }
          >
            <Form.Item name="body" label="回复内容" rules={[{ required: true, message: '请填写回复' }]}>
              <Input.TextArea rows={2} />
            </Form.Item>
            <Button htmlType="submit">发表回复</Button>
          </Form>
        </Card>
      )}
      {participates && topic.status === 'open' && session.region === topic.region && (
        <Card size="small" title="关闭议题">
          <Form
            layout="vertical"
            onFinish={(v: { summary: string }) =>
              void act(`/v1/topics/${encodeURIComponent(id)}/close`, v, '议题已关闭')
            }
          >
            <Form.Item name="summary" label="结论摘要" rules={[{ required: true, message: '请填写结论' }]}>
              <Input.TextArea rows={2} />
            </Form.Item>
            <Button htmlType="submit">关闭议题</Button>
          </Form>
        </Card>
      )}
    </section>
  );
}

// ---- 协同审核指引

export function GuidelinesPage() {
  const { session } = useSession();
  const navigate = useNavigate();
  const [items, setItems] = useState<Guideline[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    exchangeCall<{ items: Guideline[] }>('/v1/guidelines?limit=100')
      .then((r) => setItems(r.items))
      .catch((e: unknown) => setError(errorText(e)));
  }, []);
  const propose = async (v: { title: string; text: string; scope: string; basis: string }) => {
    try {
      const g = await exchangeCall<Guideline>('/v1/guidelines', {
        method: 'POST',
        body: { ...v, basis: lines(v.basis) },
      });
      navigate(`/guidelines/${g.id}`);
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <section className="page-panel">
      <h1 className="page-title">协同审核指引</h1>
      {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 12 }} />}
      {!items ? (
        <Spin aria-label="加载中" />
      ) : (
        <Table<Guideline>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={items}
          columns={[
            { title: '文号', dataIndex: 'number', render: (n?: string) => n ?? '—' },
            {
              title: '标题',
              dataIndex: 'title',
              render: (t: string, r) => <Link to={`/guidelines/${r.id}`}>{t}</Link>,
            },
            { title: '版本', dataIndex: 'version' },
            { title: '状态', dataIndex: 'status', render: (s: string) => GUIDELINE_STATUS[s] ?? s },
            { title: '提出时间', dataIndex: 'createdAt', render: (t: string) => cst(t) },
          ]}
        />
      )}
      {hasRole(session, 'reviewer', 'signer') && (
        <Card title="提出指引草案" size="small" style={{ marginTop: 16 }}>
          <Form
            layout="vertical"
            onFinish={(v: { title: string; text: string; scope: string; basis: string }) => void propose(v)}
          >
            <Form.Item name="title" label="标题" rules={[{ required: true, message: '请填写标题' }]}>
              <Input />
            </Form.Item>
            <Form.Item name="scope" label="适用范围" rules={[{ required: true, message: '请填写适用范围' }]}>
              <Input />
            </Form.Item>
            <Form.Item name="text" label="正文" rules={[{ required: true, message: '请填写正文' }]}>
              <Input.TextArea rows={4} />
            </Form.Item>
            <Form.Item name="basis" label="依据（每行一项）" rules={[{ required: true, message: '请填写依据' }]}>
              <Input.TextArea rows={2} />
            </Form.Item>
            <Button type="primary" htmlType="submit">
              提交三地审议
            </Button>
          </Form>
        </Card>
      )}
    </section>
  );
}

export function GuidelinePage() {
  const { id = '' } = useParams();
  const [g, setG] = useState<Guideline>();
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const [tick, setTick] = useState(0);
  const [decision, setDecision] = useState<'adopt' | 'decline'>('adopt');
  const task = useOpenTask('guideline_adoption', id, tick);
  useEffect(() => {
    exchangeCall<Guideline>(`/v1/guidelines/${encodeURIComponent(id)}`)
      .then(setG)
      .catch((e: unknown) => setError(errorText(e)));
  }, [id, tick]);
  const decide = async (v: { opinion?: string }) => {
    if (!task) return;
    try {
      setError(undefined);
      await exchangeCall(`/v1/tasks/${encodeURIComponent(task.id)}/complete`, {
        method: 'POST',
        body: { decision, ...(v.opinion?.trim() && { opinion: v.opinion.trim() }) },
      });
      setDone(decision === 'adopt' ? '已同意' : '已提出不同意见');
      setTick((t) => t + 1);
    } catch (e) {
      setError(errorText(e));
    }
  };
  if (!g) return error ? <Alert type="error" showIcon role="alert" message={error} /> : <Spin aria-label="加载中" />;
  return (
    <section className="page-panel">
      <h1 className="page-title">{g.title}</h1>
      {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 12 }} />}
      {done && <Alert type="success" showIcon message={done} data-testid="done" style={{ marginBottom: 12 }} />}
      <Descriptions size="small" column={2} bordered style={{ marginBottom: 12 }}>
        <Descriptions.Item label="文号">
          <span data-testid="guideline-number">{g.number ?? '—'}</span>
        </Descriptions.Item>
        <Descriptions.Item label="状态">
          <span data-testid="guideline-status">{GUIDELINE_STATUS[g.status] ?? g.status}</span>
        </Descriptions.Item>
        <Descriptions.Item label="版本">{g.version}</Descriptions.Item>
        <Descriptions.Item label="适用范围">{g.scope}</Descriptions.Item>
        <Descriptions.Item label="依据" span={2}>
          {g.basis.join('；')}
        </Descriptions.Item>
      </Descriptions>
      <Card size="small" title="正文" style={{ marginBottom: 12 }}>
        <div style={{ whiteSpace: 'pre-wrap' }}>{g.text}</div>
      </Card>
      <Card size="small" title="三地审议" style={{ marginBottom: 12 }}>
        {Object.entries(g.adoptions).map(([region, a]) => (
          <div key={region}>
            <strong>{REGION[region]}</strong>：{ADOPTION_STATUS[a.status] ?? a.status}
            {a.opinion && `（${a.opinion}）`}
          </div>
        ))}
      </Card>
      {task && g.status === 'proposed' && (
        <Card size="small" title="审议（本地区签发人）">
          <Form layout="vertical" onFinish={(v: { opinion?: string }) => void decide(v)}>
            <Form.Item label="决定">
              <Radio.Group value={decision} onChange={(e) => setDecision(e.target.value as 'adopt' | 'decline')}>
                <Radio value="adopt">同意</Radio>
                <Radio value="decline">不同意</Radio>
              </Radio.Group>
            </Form.Item>
            <Form.Item name="opinion" label="意见（不同意时必填）">
              <Input.TextArea rows={2} />
            </Form.Item>
            <Button type="primary" htmlType="submit">
              提交审议意见
            </Button>
          </Form>
        </Card>
      )}
    </section>
  );
}

// ---- 案例检索

export function PrecedentsPage() {
  const [q, setQ] = useState('');
  const [searched, setSearched] = useState('');
  const [region, setRegion] = useState<string>();
  const [severity, setSeverity] = useState<string>();
  const [items, setItems] = useState<Precedent[]>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(false);
  const search = async () => {
    const params = new URLSearchParams({ limit: '20' });
    if (q.trim()) params.set('q', q.trim());
    if (region) params.set('region', region);
    if (severity) params.set('severity', severity);
    setLoading(true);
    try {
      setError(undefined);
      const page = await exchangeCall<{ items: Precedent[] }>(`/v1/precedents?${params.toString()}`);
      setItems(page.items);
      setSearched(q.trim());
    } catch (e) {
      setError(errorText(e));
    } finally {
      setLoading(false);
    }
  };
  return (
    <section className="page-panel">
      <h1 className="page-title">案例检索</h1>
      <Space wrap style={{ marginBottom: 12 }}>
        <Input
          aria-label="检索内容"
          placeholder="如：社会保险 补贴 条件"
          style={{ width: 320 }}
          value={q}
          onChange={(e) => setQ(e.target.value)}
          onPressEnter={() => void search()}
        />
        <Select
          aria-label="地区"
          allowClear
          placeholder="地区"
          style={{ width: 120 }}
          value={region}
          onChange={setRegion}
          options={Object.entries(REGION).map(([value, label]) => ({ value, label }))}
        />
        <Select
          aria-label="意见类别"
          allowClear
          placeholder="意见类别"
          style={{ width: 140 }}
          value={severity}
          onChange={setSeverity}
          options={[
            { value: 'blocking', label: '实质性' },
            { value: 'amend', label: '修改' },
            { value: 'advisory', label: '建议' },
          ]}
        />
        <Button type="primary" onClick={() => void search()}>
          开始检索
        </Button>
      </Space>
      {error && <Alert type="error" showIcon role="alert" message={error} />}
      <Spin spinning={loading}>
        {items && (
          <List
            size="small"
            locale={{ emptyText: '没有找到相关案例' }}
            dataSource={items}
            renderItem={(p) => <PrecedentItem p={p} query={searched} />}
          />
        )}
      </Spin>
    </section>
  );
}
