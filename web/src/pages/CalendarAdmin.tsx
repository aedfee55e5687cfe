/**
 * Loading a year's working-day calendar (admin, `PUT /v1/calendar/:year`): the notice's holidays
 * and 调休 working days, then which running reviews it moved. The re-dating runs as a job: while it
 * runs the page polls `GET /v1/calendar/:year/redating` and lists the reviews moved so far, and
 * those whose workflow refused the new calendar (their reasons are the workflow's, not shown).
 */
import { Alert, Button, Card, Form, Input, InputNumber, Progress, Table, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api, call } from '../api/client';
import { cst, errorText } from '../labels';

interface Moved {
  reviewId: string;
  reviewDueAt: { before: string | null; after: string | null };
}

interface Redating {
  id: string;
  status: 'running' | 'completed' | 'failed' | 'not_started';
  redated: number;
  runningReviews: number;
  /** Only in the progress read (`GET …/redating`), not in the load's answer. */
  refused?: { reviewId: string; reason: string }[];
}

const dates = (text: string) => text.split(/[\s,，、]+/).filter(Boolean);

/** How often the progress of a running re-dating is read. */
const POLL_MS = 2000;

const STATUS_TEXT: Record<Redating['status'], string> = {
  running: '重算中',
  completed: '已完成',
  failed: '已中断（再次载入同一通知可续算）',
  not_started: '未开始（再次载入同一通知可开始）',
};

export default function CalendarAdmin() {
  const [year, setYear] = useState(new Date().getFullYear() + 1);
  const [current, setCurrent] = useState<{ source: string; provisional?: string }>();
  const [moved, setMoved] = useState<Moved[]>();
  const [redating, setRedating] = useState<Redating>();
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
    // The year's last load and what it moved (none loaded: nothing to show).
    setMoved(undefined);
    setRedating(undefined);
    call(api.GET('/v1/calendar/{year}/redating', { params: { path: { year: String(year) } } }))
      .then((p) => {
        setRedating(p);
        setMoved(p.moved);
      })
      .catch(() => undefined);
  }, [year, form]);

  // While the job runs, its progress and the reviews moved so far are read again.
  const running = redating?.status === 'running';
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      call(api.GET('/v1/calendar/{year}/redating', { params: { path: { year: String(year) } } }))
        .then((p) => {
          setRedating(p);
          setMoved(p.moved);
        })
        .catch((err: unknown) => setError(errorText(err)));
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [running, year]);

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
      )) as { calendar: { source: string }; moved: Moved[]; redating?: Redating };
      setMoved(answer.moved);
      setCurrent(answer.calendar);
      // No `redating`: the job finished within the request, and `moved` is complete.
      setRedating(answer.redating);
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
      {redating && redating.status !== 'completed' && (
        <div style={{ marginTop: 16, maxWidth: 640 }} aria-label="重算进度">
          <Tag color={redating.status === 'running' ? 'blue' : 'red'}>{STATUS_TEXT[redating.status]}</Tag>
          已重算 {redating.redated} / {redating.runningReviews} 件在审审核
          <Progress
            percent={
              redating.runningReviews === 0 ? 100 : Math.floor((100 * redating.redated) / redating.runningReviews)
            }
            status={redating.status === 'running' ? 'active' : 'exception'}
          />
        </div>
      )}
      {redating?.refused && redating.refused.length > 0 && (
        <Alert
          style={{ marginTop: 16, maxWidth: 640 }}
          type="warning"
          showIcon
          message={`${redating.refused.length} 件审核的流程未接受新日历，期限未变，请查看其审核记录`}
          description={
            <ul style={{ margin: 0, paddingLeft: 20 }} aria-label="未接受新日历的审核">
              {redating.refused.map(({ reviewId }) => (
                <li key={reviewId}>
                  <Link to={`/reviews/${encodeURIComponent(reviewId)}`}>{reviewId}</Link>
                </li>
              ))}
            </ul>
          }
        />
      )}
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
