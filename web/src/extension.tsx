/**
 * Asking for more time (申请延期) from the task page: the working days and the reason, sent to the
 * API (a reviewer of the origin region, once the materials are accepted); the head of the review
 * body decides. A refusal shows beside the field it names; the review's requests are listed.
 */
import { Alert, Button, Card, Form, Input, InputNumber, List, Tag } from 'antd';
import { useState } from 'react';
import { api, call, type Review } from './api/client';
import { RefusalAlert, showRefusal } from './forms';
import { cst, EXTENSION_STATUS } from './labels';

interface ExtensionForm {
  workingDays?: number;
  reason?: string;
}

export function ExtensionRequest({ review, onRequested }: { review: Review; onRequested: () => void }) {
  const [form] = Form.useForm<ExtensionForm>();
  const [refusal, setRefusal] = useState<ReturnType<typeof showRefusal>>();
  const [sent, setSent] = useState<string>();
  const [busy, setBusy] = useState(false);
  const extensions = review.extensions ?? [];
  const request = async (values: ExtensionForm) => {
    setBusy(true);
    setRefusal(undefined);
    setSent(undefined);
    try {
      await call(
        api.POST('/v1/reviews/{reviewId}/extensions', {
          params: { path: { reviewId: review.reviewId! } },
          body: { workingDays: values.workingDays as number, reason: values.reason ?? '' },
        }),
      );
      setSent(`已申请延期${values.workingDays}个工作日，待审核机构负责人审批。`);
      form.resetFields();
      onRequested();
    } catch (err) {
      setRefusal(showRefusal(form, err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title="申请延期" size="small" style={{ marginTop: 16 }} data-testid="extension">
      {extensions.length > 0 && (
        <List
          size="small"
          dataSource={extensions}
          renderItem={(x) => (
            <List.Item data-testid="extension-request">
              {cst(x.at)} 申请延期{x.workingDays}个工作日：{x.reason}
              <Tag style={{ marginLeft: 8 }}>{EXTENSION_STATUS[x.status ?? ''] ?? x.status}</Tag>
            </List.Item>
          )}
        />
      )}
      {sent && (
        <Alert type="success" showIcon message={sent} data-testid="extension-sent" style={{ marginBottom: 8 }} />
      )}
      <RefusalAlert refusal={refusal} />
      <Form<ExtensionForm> form={form} layout="vertical" onFinish={(v) => void request(v)}>
        <Form.Item label="延期工作日数" name="workingDays">
          <InputNumber aria-label="延期工作日数" min={1} max={60} precision={0} />
        </Form.Item>
        <Form.Item label="延期理由" name="reason">
          <Input.TextArea aria-label="延期理由" rows={2} />
        </Form.Item>
        <Button htmlType="submit" loading={busy}>
          提交延期申请
        </Button>
      </Form>
    </Card>
  );
}
