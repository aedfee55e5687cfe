/** The year's figures (`GET /v1/stats/annual`): charts and tables, printable from the browser. */
import { Alert, Button, Card, Descriptions, InputNumber, Select, Space } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { api, call, type Schemas } from '../api/client';
import { Bars } from '../Chart';
import { REGION, errorText } from '../labels';

type Figures = Schemas['AnnualStats'];
const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);

export default function AnnualStats() {
  const [year, setYear] = useState(new Date().getFullYear());
  const [region, setRegion] = useState<'beijing' | 'tianjin' | 'hebei'>();
  const [figures, setFigures] = useState<Figures>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    call(api.GET('/v1/stats/annual', { params: { query: { year, ...(region ? { region } : {}) } } }))
      .then((answer) => setFigures(answer as Figures))
      .catch((err: unknown) => setError(errorText(err)));
  }, [year, region]);

  const conclusions = useMemo(() => {
    const r = figures?.reviews;
    return r
      ? [
          {
            name: '件数',
            data: [r.legal, r.legalAfterRevision, r.unlawful, r.returned + r.returnedAtIntake, r.withdrawn],
          },
        ]
      : [];
  }, [figures]);
  const comments = useMemo(() => {
    const c = figures?.comments;
    return c ? [{ name: '条数', data: [c.blocking, c.amend, c.advisory] }] : [];
  }, [figures]);

  return (
    <Card
      title={`${region ? REGION[region] : '京津冀三地'}${year}年度合法性审核工作统计`}
      extra={
        <Button className="no-print" onClick={() => window.print()}>
          打印
        </Button>
      }
    >
      {error && <Alert type="error" message={error} showIcon />}
      <Space className="no-print" style={{ marginBottom: 16 }}>
        <InputNumber aria-label="年度" value={year} min={2000} max={2100} onChange={(v) => v && setYear(v)} />
        <Select
          aria-label="地区"
          allowClear
          placeholder="三地合计"
          style={{ width: 140 }}
          value={region}
          onChange={(r?: 'beijing' | 'tianjin' | 'hebei') => setRegion(r)}
          options={Object.entries(REGION).map(([value, label]) => ({ value, label }))}
        />
      </Space>
      {figures && (
        <>
          <Bars label="审核结论" categories={['合法', '修改后合法', '不合法', '退回', '撤回']} series={conclusions} />
          <Descriptions bordered size="small" column={2} title="审核工作">
            <Descriptions.Item label="收件">{figures.reviews.received}</Descriptions.Item>
            <Descriptions.Item label="受理">{figures.reviews.accepted}</Descriptions.Item>
            <Descriptions.Item label="按期办结率">{percent(figures.reviews.onTimeRate)}</Descriptions.Item>
            <Descriptions.Item label="用时中位数（工作日）">
              {figures.reviews.medianWorkingDays ?? '—'}
            </Descriptions.Item>
            <Descriptions.Item label="延期">{figures.reviews.extensions}</Descriptions.Item>
            <Descriptions.Item label="征求意见已答复">{figures.consultations.answered}</Descriptions.Item>
            <Descriptions.Item label="逾期未答复">{figures.consultations.noResponse}</Descriptions.Item>
            <Descriptions.Item label="意见采纳率">{percent(figures.comments.adoptedRate)}</Descriptions.Item>
          </Descriptions>
          <Bars label="审核意见" categories={['不合法意见', '修改意见', '建议']} series={comments} />
          <Descriptions bordered size="small" column={2} title="备案、建议与研讨">
            <Descriptions.Item label="应备案">{figures.filings.due}</Descriptions.Item>
            <Descriptions.Item label="已报备">{figures.filings.filed}</Descriptions.Item>
            <Descriptions.Item label="按期报备">{figures.filings.onTime}</Descriptions.Item>
            <Descriptions.Item label="建议纠正">{figures.filings.corrections}</Descriptions.Item>
            <Descriptions.Item label="公众建议">{figures.suggestions.received}</Descriptions.Item>
            <Descriptions.Item label="研讨议题">{figures.topics.raised}</Descriptions.Item>
            <Descriptions.Item label="共同审核指引">{figures.guidelines.adopted}</Descriptions.Item>
          </Descriptions>
        </>
      )}
    </Card>
  );
}
