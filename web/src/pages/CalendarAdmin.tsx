/**
 * Loading a year's working-day calendar (admin, `PUT /v1/calendar/:year`): the notice's holidays
 * and 调休 working days, then which running reviews it moved.
 */
import { Alert, Button, Card, Form, Input, InputNumber, Table, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api, call } from '../api/client';
import { cst, errorText } from '../labels';

interface Moved {
  reviewId: string;
  reviewDueAt: { before: string | null; after: string | null };
}

const dates = (text: string) => text.split(/[\s,，、]+/).filter(Boolean);

export default function CalendarAdmin() {
  const [year, setYear] = useState(new Date().getFullYear() + 1);
  const [current, setCurrent] = useState<{ source: string; provisional?: string }>();
  const [moved, setMoved] = useState<Moved[]>();
  const [error, setError] = useState<string>();
  const [form] = Form.useForm<{ source: string; holidays: string; workingWeekendDays: string }>();

  useEffect(() => {
    call(api.GET('/v1/calendar/{year}', { params: { path: { year: String(year) } } }))
      .then((c) => {
        setCurrent(c);
        form.setFieldsValue({
          source: c.source,
          holidays: c.holidays.map((h) => `${h.from}~${h.to}`).join('\n'),
          workingWeekendDays: c.workingWeekendDays.join('\n'),
        });
      })
      .catch(() => setCurrent(undefined));
  }, [year, form]);

  const load = async (values: { source: string; holidays: string; workingWeekendDays: string }) => {
    setError(undefined);
    try {
      const holidays = values.holidays
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean)
        .map((line) => {
          const [from, to] = line.split(/[~至]/).map((d) => d.trim());
          return { from, to: to ?? from };
        });
      const answer = (await call(
        api.PUT('/v1/calendar/{year}', {
          params: { path: { year: String(year) } },
          body: { source: values.source, holidays, workingWeekendDays: dates(values.workingWeekendDays) },
        }),
      )) as { calendar: { source: string }; moved: Moved[] };
      setMoved(answer.moved);
      setCurrent(answer.calendar);
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <Card title="工作日历">
      {error && <Alert type="error" message={error} showIcon />}
      <InputNumber aria-label="年度" value={year} min={2000} max={2100} onChange={(v) => v && setYear(v)} />{' '}
      {current?.provisional ? (
        <Tag color="orange">暂定（尚未载入国务院通知）</Tag>
      ) : (
        current && <Tag color="green">已载入</Tag>
      )}
      <Form form={form} layout="vertical" onFinish={(v) => void load(v)} style={{ marginTop: 16, maxWidth: 640 }}>
        <Form.Item name="source" label="通知名称" rules={[{ required: true, message: '请填写通知名称' }]}>
          <Input />
        </Form.Item>
        <Form.Item name="holidays" label="放假日期（每行一段：开始~结束）">
          <Input.TextArea rows={7} />
        </Form.Item>
        <Form.Item name="workingWeekendDays" label="调休上班日（每行一个日期）">
          <Input.TextArea rows={4} />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          载入日历
        </Button>
      </Form>
      {moved && (
        <Table<Moved>
          style={{ marginTop: 16 }}
          title={() => `已重新计算期限的审核：${moved.length} 件`}
          rowKey="reviewId"
          size="small"
          pagination={false}
          dataSource={moved}
          columns={[
            {
              title: '审核',
              dataIndex: 'reviewId',
              render: (id: string) => <Link to={`/reviews/${encodeURIComponent(id)}`}>{id}</Link>,
            },
            { title: '原期限', render: (_: unknown, m) => cst(m.reviewDueAt.before) },
            { title: '新期限', render: (_: unknown, m) => cst(m.reviewDueAt.after) },
          ]}
        />
      )}
    </Card>
  );
}
