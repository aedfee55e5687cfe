/**
 * After the review, on the document page: the issuance form (印发登记) once the review closed
 * approved, then the issued document's particulars, its filing package (备案报告) and what follows
 * (补充材料, 纠正情况报告), and repeal. The API calls are plain JSON (features/after-review).
 */
import { Alert, Button, Card, DatePicker, Descriptions, Form, Input, InputNumber, Space, Tag } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { ApiFailure, loadSession, type DocumentView } from './api/client';
import { FILING_STATUS_ZH } from '../../domain/messages-zh';
import { cst, errorText } from './labels';

export const FILING_STATUS: Record<string, string> = FILING_STATUS_ZH;
export const ISSUED_STATUS: Record<string, string> = { issued: '现行有效', expired: '已失效', repealed: '已废止' };
export const FILING_MATERIAL: Record<string, string> = {
  filing_report: '备案报告',
  official_text: '正式文本',
  electronic_copy: '电子文本',
  review_opinion: '合法性审核意见',
};

/** A JSON call to the API with the signed-in person's token (none on the public pages). */
export async function callJson<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const session = loadSession();
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: {
        Accept: 'application/json',
        ...(body !== undefined && { 'Content-Type': 'application/json' }),
        ...(session && { Authorization: `Bearer ${session.token}` }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiFailure(0, 'network', '无法连接服务器，请稍后重试');
  }
  const answer = (await response.json().catch(() => ({}))) as {
    error?: { code?: string; message?: string; details?: unknown };
  };
  if (!response.ok) {
    throw new ApiFailure(
      response.status,
      answer.error?.code ?? 'internal',
      answer.error?.message ?? response.statusText,
      answer.error?.details,
    );
  }
  return answer as T;
}

export interface Filing {
  filingId: string;
  documentId: string;
  status: string;
  dueAt: string;
  submittedAt?: string;
  onTime?: boolean;
  registeredAt?: string;
  missing?: string[];
  outcome?: { decision: string; opinion?: string; at: string };
  history: { at: string; type: string; decision?: string; opinion?: string }[];
}

type Issued = DocumentView;

const day = (d: { format(f: string): string } | undefined) => d?.format('YYYY-MM-DD');

/** The issuance form and, once issued, the filing: for the document page. */
export function AfterReviewPanel({ doc, isOwner, reload }: { doc: Issued; isOwner: boolean; reload: () => void }) {
  const [filing, setFiling] = useState<Filing>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const issuance = doc.issuance;
  const loadFiling = useCallback(async () => {
    if (!issuance) return;
    try {
      setFiling(await callJson<Filing>('GET', `/v1/filings/${encodeURIComponent(issuance.filingId ?? '')}`));
    } catch (err) {
      setError(errorText(err));
    }
  }, [issuance]);
  useEffect(() => {
    void loadFiling();
  }, [loadFiling]);

  const act = async (what: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await what();
      reload();
      await loadFiling();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  if (!issuance) {
    if (doc.status !== 'approved' || !isOwner) return null;
    return (
      <Card title="印发登记" style={{ marginBottom: 16 }} data-testid="issuance">
        {error && <Alert type="error" message={error} style={{ marginBottom: 12 }} />}
        <Form
          layout="vertical"
          onFinish={(v: {
            documentNumber: string;
            issuedOn: { format(f: string): string };
            publishedOn: { format(f: string): string };
            publishedIn: string;
            validityYears?: number;
          }) =>
            void act(() =>
              callJson('POST', `/v1/documents/${encodeURIComponent(doc.id!)}/issuance`, {
                documentNumber: v.documentNumber,
                issuedOn: day(v.issuedOn),
                publishedOn: day(v.publishedOn),
                publishedIn: v.publishedIn,
                ...(v.validityYears && { validityYears: v.validityYears }),
              }),
            )
          }
        >
          <Form.Item name="documentNumber" label="文号" rules={[{ required: true, message: '请填写文号' }]}>
            <Input placeholder="如：京交规〔2027〕2号" />
          </Form.Item>
          <Space wrap>
            <Form.Item name="issuedOn" label="印发日期" rules={[{ required: true, message: '请选择印发日期' }]}>
              <DatePicker />
            </Form.Item>
            <Form.Item name="publishedOn" label="公布日期" rules={[{ required: true, message: '请选择公布日期' }]}>
              <DatePicker />
            </Form.Item>
            <Form.Item name="validityYears" label="有效期（年，默认5年）">
              <InputNumber min={1} max={10} />
            </Form.Item>
          </Space>
          <Form.Item name="publishedIn" label="公布载体" rules={[{ required: true, message: '请填写公布载体' }]}>
            <Input placeholder="如：北京市人民政府公报2027年第5期" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy}>
            印发
          </Button>
        </Form>
      </Card>
    );
  }

  return (
    <Card title="印发与备案" style={{ marginBottom: 16 }} data-testid="filing">
      {error && <Alert type="error" message={error} style={{ marginBottom: 12 }} />}
      <Descriptions size="small" column={2}>
        <Descriptions.Item label="文号">{issuance.documentNumber}</Descriptions.Item>
        <Descriptions.Item label="状态">
          <Tag>{ISSUED_STATUS[issuance.status ?? ''] ?? issuance.status}</Tag>
        </Descriptions.Item>
        <Descriptions.Item label="公布日期">{issuance.publishedOn}</Descriptions.Item>
        <Descriptions.Item label="有效期至">{issuance.validUntil}</Descriptions.Item>
        <Descriptions.Item label="公布载体">{issuance.publishedIn}</Descriptions.Item>
        {filing && (
          <>
            <Descriptions.Item label="备案状态">
              <Tag data-testid="filing-status">{FILING_STATUS[filing.status] ?? filing.status}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label="报备期限">{cst(filing.dueAt)}</Descriptions.Item>
            {filing.submittedAt && (
              <Descriptions.Item label="报送时间">
                {cst(filing.submittedAt)} {filing.onTime === false && <Tag color="red">逾期报送</Tag>}
              </Descriptions.Item>
            )}
            {filing.missing && (
              <Descriptions.Item label="需补充">
                {filing.missing.map((m) => FILING_MATERIAL[m] ?? m).join('、')}
              </Descriptions.Item>
            )}
            {filing.outcome?.opinion && <Descriptions.Item label="意见">{filing.outcome.opinion}</Descriptions.Item>}
          </>
        )}
      </Descriptions>
      {isOwner && issuance.status === 'issued' && filing?.status === 'due' && (
        <Form
          layout="vertical"
          data-testid="filing-form"
          onFinish={(report: { basis: string; purpose: string; mainContent: string; review: string }) =>
            void act(() => callJson('POST', `/v1/documents/${encodeURIComponent(doc.id!)}/filings`, { report }))
          }
        >
          <h4>备案报告</h4>
          <Form.Item name="basis" label="制定依据" rules={[{ required: true, message: '请填写制定依据' }]}>
            <Input.TextArea rows={2} />
          </Form.Item>
          <Form.Item name="purpose" label="制定目的" rules={[{ required: true, message: '请填写制定目的' }]}>
            <Input.TextArea rows={2} />
          </Form.Item>
          <Form.Item name="mainContent" label="主要内容" rules={[{ required: true, message: '请填写主要内容' }]}>
            <Input.TextArea rows={3} />
          </Form.Item>
          <Form.Item name="review" label="合法性审核情况" rules={[{ required: true, message: '请填写合法性审核情况' }]}>
            <Input.TextArea rows={2} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy}>
            报送备案
          </Button>
        </Form>
      )}
      {isOwner && filing?.status === 'deferred' && (
        <Form
          layout="inline"
          style={{ marginTop: 12 }}
          onFinish={(v: { text: string }) =>
            void act(() => callJson('POST', `/v1/filings/${encodeURIComponent(filing.filingId)}/supplement`, v))
          }
        >
          <Form.Item name="text" label="补充材料说明" rules={[{ required: true, message: '请说明补充的材料' }]}>
            <Input style={{ width: 360 }} />
          </Form.Item>
          <Button htmlType="submit" loading={busy}>
            补充材料
          </Button>
        </Form>
      )}
      {isOwner && filing?.status === 'correction_advised' && (
        <Form
          layout="inline"
          style={{ marginTop: 12 }}
          onFinish={(v: { text: string }) =>
            void act(() => callJson('POST', `/v1/filings/${encodeURIComponent(filing.filingId)}/correction-report`, v))
          }
        >
          <Form.Item name="text" label="纠正情况" rules={[{ required: true, message: '请报告纠正情况' }]}>
            <Input style={{ width: 360 }} />
          </Form.Item>
          <Button htmlType="submit" loading={busy}>
            报告纠正情况
          </Button>
        </Form>
      )}
      {isOwner && issuance.status === 'issued' && (
        <Form
          layout="inline"
          style={{ marginTop: 12 }}
          onFinish={(v: { reason: string }) =>
            void act(() => callJson('POST', `/v1/documents/${encodeURIComponent(doc.id!)}/repeal`, v))
          }
        >
          <Form.Item name="reason" label="废止理由" rules={[{ required: true, message: '请填写废止理由' }]}>
            <Input style={{ width: 300 }} />
          </Form.Item>
          <Button danger htmlType="submit" loading={busy}>
            废止
          </Button>
        </Form>
      )}
    </Card>
  );
}
