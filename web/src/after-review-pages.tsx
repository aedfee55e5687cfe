/**
 * The screens after the review: a task of the filing course or a review suggestion (the review
 * body's registration, filing review and reply; the drafter's tasks point to the document page),
 * the monthly filing catalogue, and the public's suggestion page (no sign-in).
 */
import { Alert, Button, Card, Descriptions, Form, Input, Result, Select, Space, Table, Tag } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { callJson, FILING_MATERIAL, FILING_STATUS, type Filing } from './after-review';
import { cst, errorText, KIND, REGION, TASK_STATUS } from './labels';

interface CourseTask {
  id: string;
  kind: string;
  status: string;
  documentId: string;
  documentTitle?: string;
  dueAt: string | null;
  overdue: boolean;
  subject: { type: string; id: string };
  suggestion?: { documentNumber: string; text: string; contact: string; receivedAt: string; reply?: string };
}

const DECISIONS: Record<string, { value: string; label: string }[]> = {
  filing_registration: [
    { value: 'register', label: '予以登记' },
    { value: 'defer', label: '暂缓登记（补充材料）' },
    { value: 'refuse', label: '不予登记' },
  ],
  filing_review: [
    { value: 'no_issue', label: '审查无异议' },
    { value: 'correction_advised', label: '建议纠正' },
  ],
  suggestion: [{ value: 'reply', label: '答复' }],
};

/** `/tasks/:taskId` for a task after the review. */
export function CourseTaskPage() {
  const { taskId = '' } = useParams();
  const [task, setTask] = useState<CourseTask>();
  const [filing, setFiling] = useState<Filing>();
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [decision, setDecision] = useState<string>();

  const load = useCallback(async () => {
    try {
      const t = await callJson<CourseTask>('GET', `/v1/tasks/${encodeURIComponent(taskId)}`);
      setTask(t);
      if (t.subject.type === 'filing')
        setFiling(await callJson<Filing>('GET', `/v1/filings/${encodeURIComponent(t.subject.id)}`));
    } catch (err) {
      setError(errorText(err));
    }
  }, [taskId]);
  useEffect(() => {
    void load();
  }, [load]);

  if (!task) return error ? <Alert type="error" message={error} /> : null;
  if (done) return <Result status="success" title={done} extra={<Link to="/tasks">返回待办</Link>} />;
  const options = DECISIONS[task.kind];
  const decide = async (v: { opinion?: string; missing?: string[] }) => {
    setBusy(true);
    setError(undefined);
    try {
      await callJson('POST', `/v1/tasks/${encodeURIComponent(task.id)}/complete`, {
        decision,
        ...(v.opinion && { opinion: v.opinion }),
        ...(v.missing?.length && { missing: v.missing }),
      });
      setDone('已办理');
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={`${KIND[task.kind] ?? task.kind}：${task.documentTitle ?? task.documentId}`} data-testid="course-task">
      {error && <Alert type="error" message={error} style={{ marginBottom: 12 }} />}
      <Descriptions size="small" column={2}>
        <Descriptions.Item label="状态">{TASK_STATUS[task.status] ?? task.status}</Descriptions.Item>
        <Descriptions.Item label="期限">
          {task.dueAt ? cst(task.dueAt) : '—'} {task.overdue && <Tag color="red">已逾期</Tag>}
        </Descriptions.Item>
        {filing && (
          <>
            <Descriptions.Item label="备案状态">{FILING_STATUS[filing.status] ?? filing.status}</Descriptions.Item>
            <Descriptions.Item label="报送时间">
              {cst(filing.submittedAt)} {filing.onTime === false && <Tag color="red">逾期报送</Tag>}
            </Descriptions.Item>
          </>
        )}
      </Descriptions>
      {filing && 'report' in filing && (
        <Descriptions title="备案报告" size="small" column={1} bordered style={{ margin: '12px 0' }}>
          {Object.entries((filing as unknown as { report: Record<string, string> }).report).map(([k, v]) => (
            <Descriptions.Item
              key={k}
              label={
                { basis: '制定依据', purpose: '制定目的', mainContent: '主要内容', review: '合法性审核情况' }[k] ?? k
              }
            >
              {v}
            </Descriptions.Item>
          ))}
        </Descriptions>
      )}
      {task.suggestion && (
        <Descriptions title="审查建议" size="small" column={1} bordered style={{ margin: '12px 0' }}>
          <Descriptions.Item label="文号">{task.suggestion.documentNumber}</Descriptions.Item>
          <Descriptions.Item label="建议内容">{task.suggestion.text}</Descriptions.Item>
          <Descriptions.Item label="联系方式">{task.suggestion.contact}</Descriptions.Item>
          <Descriptions.Item label="收到时间">{cst(task.suggestion.receivedAt)}</Descriptions.Item>
        </Descriptions>
      )}
      {task.status === 'open' && !options && (
        <p>
          此任务在 <Link to={`/documents/${encodeURIComponent(task.documentId)}`}>文件页面</Link> 办理。
        </p>
      )}
      {task.status === 'open' && options && (
        <Form layout="vertical" onFinish={(v: { opinion?: string; missing?: string[] }) => void decide(v)}>
          <Form.Item label="决定" required>
            <Select
              aria-label="决定"
              options={options}
              value={decision}
              onChange={setDecision}
              style={{ width: 260 }}
            />
          </Form.Item>
          {decision === 'defer' && (
            <Form.Item name="missing" label="缺少的材料" rules={[{ required: true, message: '请选择缺少的材料' }]}>
              <Select
                mode="multiple"
                options={Object.entries(FILING_MATERIAL).map(([value, label]) => ({ value, label }))}
              />
            </Form.Item>
          )}
          {(decision === 'refuse' || decision === 'correction_advised' || decision === 'reply') && (
            <Form.Item
              name="opinion"
              label={decision === 'reply' ? '答复内容' : '意见'}
              rules={[{ required: true, message: '请填写' }]}
            >
              <Input.TextArea rows={4} />
            </Form.Item>
          )}
          <Button type="primary" htmlType="submit" loading={busy} disabled={!decision}>
            提交
          </Button>
        </Form>
      )}
    </Card>
  );
}

interface CatalogueItem {
  filingId: string;
  documentNumber: string;
  title: string;
  org: string;
  publishedOn: string;
  registeredAt: string;
}

const thisMonth = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);

/** `/catalogue`: a region's registered filings of a month. */
export function CataloguePage() {
  const [region, setRegion] = useState('beijing');
  const [month, setMonth] = useState(thisMonth);
  const [items, setItems] = useState<CatalogueItem[]>([]);
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) return;
    callJson<{ items: CatalogueItem[] }>('GET', `/v1/filings/catalogue?region=${region}&month=${month}&limit=100`)
      .then((c) => {
        setItems(c.items);
        setError(undefined);
      })
      .catch((err: unknown) => setError(errorText(err)));
  }, [region, month]);
  return (
    <Card
      title={`${REGION[region]}备案目录（${month}）`}
      extra={
        <Space>
          <Select
            aria-label="地区"
            value={region}
            onChange={setRegion}
            options={Object.entries(REGION).map(([value, label]) => ({ value, label }))}
          />
          <Input aria-label="月份" value={month} onChange={(e) => setMonth(e.target.value)} style={{ width: 110 }} />
          <Button onClick={() => window.print()}>打印</Button>
        </Space>
      }
      data-testid="catalogue"
    >
      {error && <Alert type="error" message={error} />}
      <Table
        rowKey="filingId"
        size="small"
        pagination={false}
        dataSource={items}
        columns={[
          { title: '文号', dataIndex: 'documentNumber' },
          { title: '文件名称', dataIndex: 'title' },
          { title: '制定机关', dataIndex: 'org' },
          { title: '公布日期', dataIndex: 'publishedOn' },
          { title: '登记时间', dataIndex: 'registeredAt', render: (v: string) => cst(v) },
        ]}
      />
    </Card>
  );
}

/** `/public/suggestions`: anyone sends a review suggestion, or checks one by its code; no sign-in. */
export function PublicSuggestionPage() {
  const [code, setCode] = useState<string>();
  const [status, setStatus] = useState<{ status: string; reply?: string }>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const send = async (v: { documentNumber: string; text: string; contact: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      setCode((await callJson<{ code: string }>('POST', '/v1/public/suggestions', v)).code);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const check = async (v: { code: string }) => {
    setError(undefined);
    try {
      setStatus(await callJson('GET', `/v1/public/suggestions/${encodeURIComponent(v.code.trim())}`));
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <main style={{ maxWidth: 720, margin: '32px auto', padding: 16 }}>
      <h1>行政规范性文件审查建议</h1>
      {error && <Alert type="error" message={error} style={{ marginBottom: 12 }} />}
      {code ? (
        <Result
          status="success"
          title="审查建议已收到"
          subTitle={
            <>
              请保存查询码：<strong data-testid="tracking-code">{code}</strong>
            </>
          }
        />
      ) : (
        <Card title="提出审查建议" style={{ marginBottom: 16 }}>
          <Form
            layout="vertical"
            onFinish={(v: { documentNumber: string; text: string; contact: string }) => void send(v)}
          >
            <Form.Item name="documentNumber" label="文号" rules={[{ required: true, message: '请填写文号' }]}>
              <Input placeholder="如：京交规〔2027〕2号" />
            </Form.Item>
            <Form.Item
              name="text"
              label="建议内容（哪一条，为何认为不合法）"
              rules={[{ required: true, min: 10, message: '请至少写10个字' }]}
            >
              <Input.TextArea rows={5} maxLength={5000} />
            </Form.Item>
            <Form.Item name="contact" label="联系方式" rules={[{ required: true, message: '请填写联系方式' }]}>
              <Input />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={busy}>
              提交
            </Button>
          </Form>
        </Card>
      )}
      <Card title="查询办理情况">
        <Form layout="inline" onFinish={(v: { code: string }) => void check(v)}>
          <Form.Item name="code" label="查询码" rules={[{ required: true, message: '请填写查询码' }]}>
            <Input style={{ width: 300 }} />
          </Form.Item>
          <Button htmlType="submit">查询</Button>
        </Form>
        {status && (
          <Descriptions size="small" column={1} style={{ marginTop: 12 }}>
            <Descriptions.Item label="状态">{status.status === 'answered' ? '已答复' : '办理中'}</Descriptions.Item>
            {status.reply && <Descriptions.Item label="答复">{status.reply}</Descriptions.Item>}
          </Descriptions>
        )}
      </Card>
    </main>
  );
}
