/**
 * The supervisors' dashboard: reviews by stage, region and status, overdue work (from
 * `GET /v1/stats`), on-time rate and average working days used per region (of every concluded
 * review, also from the stats), and every review, filterable, each opening its timeline.
 */
import { Alert, Card, Col, Row, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { CursorPager, type Cursors } from '../pager';
import { api, call, type ReviewSummary, type Stats } from '../api/client';
import { Bars } from '../Chart';
import { cst, errorText, REGION, REVIEW_STATUS, STAGE } from '../labels';

const REGIONS = ['beijing', 'tianjin', 'hebei'] as const;

export default function Dashboard() {
  const [stats, setStats] = useState<Stats>();
  const [filters, setFilters] = useState<{ region?: string; status?: string; stage?: string; overdue?: string }>({});
  const [cursors, setCursors] = useState<Cursors>([undefined]);
  const [page, setPage] = useState<{ items: ReviewSummary[]; nextCursor?: string | null }>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    call(api.GET('/v1/stats'))
      .then(setStats)
      .catch((err: unknown) => setError(errorText(err)));
  }, []);

  const cursor = cursors[cursors.length - 1];
  useEffect(() => {
    const query = Object.fromEntries(Object.entries(filters).filter(([, v]) => v));
    call(api.GET('/v1/reviews', { params: { query: { ...query, limit: 20, ...(cursor ? { cursor } : {}) } } }))
      .then(setPage)
      .catch((err: unknown) => setError(errorText(err)));
  }, [filters, cursor]);

  const regionNames = useMemo(() => REGIONS.map((r) => REGION[r]), []);
  const stageSeries = useMemo(
    () => (stats ? [{ name: '审核数', data: Object.keys(STAGE).map((s) => stats.reviews.byStage[s] ?? 0) }] : []),
    [stats],
  );
  const regionSeries = useMemo(
    () =>
      stats
        ? [
            { name: '审核数', data: REGIONS.map((r) => stats.reviews.byOriginRegion[r] ?? 0) },
            { name: '逾期审核', data: REGIONS.map((r) => stats.reviews.overdue.byOriginRegion[r] ?? 0) },
            { name: '逾期任务', data: REGIONS.map((r) => stats.tasks.overdue.byRegion[r] ?? 0) },
          ]
        : [],
    [stats],
  );
  const timingSeries = useMemo(() => {
    if (!stats) return [];
    const of = (r: (typeof REGIONS)[number]) => stats.reviews.concluded.byOriginRegion[r];
    return [
      { name: '按期办结率（%）', data: REGIONS.map((r) => Math.round(100 * (of(r)?.onTimeRate ?? 0))) },
      {
        name: '平均用时（工作日）',
        data: REGIONS.map((r) => Math.round(10 * (of(r)?.averageWorkingDays ?? 0)) / 10),
      },
    ];
  }, [stats]);
  const filter = (next: Partial<typeof filters>) => {
    setFilters((f) => ({ ...f, ...next }));
    setCursors([undefined]);
  };

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 20 }}>
        监督看板
      </Typography.Title>
      {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 12 }} />}
      {stats && (
        <Row gutter={16} style={{ marginBottom: 16 }}>
          <Col span={6}>
            <Card>
              <Statistic title="审核总数" value={stats.reviews.total} />
            </Card>
          </Col>
          <Col span={6}>
            <Card>
              <Statistic title="审核中" value={stats.reviews.byStatus.in_review ?? 0} />
            </Card>
          </Col>
          <Col span={6}>
            <Card>
              <Statistic title="逾期审核" value={stats.reviews.overdue.total} valueStyle={{ color: '#cf1322' }} />
            </Card>
          </Col>
          <Col span={6}>
            <Card>
              <Statistic
                title="逾期任务（已督办）"
                value={stats.tasks.overdue.total}
                valueStyle={{ color: '#cf1322' }}
              />
            </Card>
          </Col>
        </Row>
      )}
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col span={8}>
          <Card title="各阶段审核数" size="small">
            {stats && <Bars label="各阶段审核数" categories={Object.values(STAGE)} series={stageSeries} />}
          </Card>
        </Col>
        <Col span={8}>
          <Card title="各地审核与逾期" size="small">
            {stats && <Bars label="各地审核与逾期" categories={regionNames} series={regionSeries} />}
          </Card>
        </Col>
        <Col span={8}>
          <Card title="按期办结率与平均用时（已办结审核）" size="small">
            {stats && <Bars label="各地按期办结率与平均用时" categories={regionNames} series={timingSeries} />}
          </Card>
        </Col>
      </Row>
      <Card title="审核列表" size="small">
        <Space wrap style={{ marginBottom: 12 }}>
          <Select
            aria-label="发起地区"
            allowClear
            placeholder="发起地区"
            style={{ width: 120 }}
            onChange={(region?: string) => filter({ region })}
            options={REGIONS.map((r) => ({ value: r, label: REGION[r] }))}
          />
          <Select
            aria-label="审核状态"
            allowClear
            placeholder="状态"
            style={{ width: 120 }}
            onChange={(status?: string) => filter({ status })}
            options={Object.entries(REVIEW_STATUS).map(([value, label]) => ({ value, label }))}
          />
          <Select
            aria-label="审核阶段"
            allowClear
            placeholder="阶段"
            style={{ width: 140 }}
            onChange={(stage?: string) => filter({ stage })}
            options={Object.entries(STAGE).map(([value, label]) => ({ value, label }))}
          />
          <Select
            aria-label="逾期"
            allowClear
            placeholder="逾期与否"
            style={{ width: 120 }}
            onChange={(overdue?: string) => filter({ overdue })}
            options={[
              { value: 'true', label: '仅逾期' },
              { value: 'false', label: '未逾期' },
            ]}
          />
        </Space>
        <Table<ReviewSummary>
          rowKey="reviewId"
          size="small"
          pagination={false}
          dataSource={page?.items ?? []}
          locale={{ emptyText: '暂无审核' }}
          columns={[
            {
              title: '审核',
              dataIndex: 'reviewId',
              render: (id: string, r) => (
                <Link to={`/reviews/${encodeURIComponent(id)}`}>{r.registrationNumber ?? '尚未受理'}</Link>
              ),
            },
            { title: '起草单位', dataIndex: 'org' },
            { title: '发起地区', dataIndex: 'originRegion', render: (r: string) => REGION[r] },
            {
              title: '状态',
              dataIndex: 'status',
              render: (s: string) => <Tag data-testid="review-status">{REVIEW_STATUS[s] ?? s}</Tag>,
            },
            { title: '阶段', dataIndex: 'stage', render: (s: string) => STAGE[s] ?? s },
            { title: '送审时间', dataIndex: 'submittedAt', render: (at: string) => cst(at) },
            {
              title: '最近期限',
              dataIndex: 'nextDueAt',
              render: (at: string | null, r) => <span className={r.overdue ? 'overdue' : undefined}>{cst(at)}</span>,
            },
          ]}
        />
        <CursorPager cursors={cursors} setCursors={setCursors} nextCursor={page?.nextCursor} />
      </Card>
    </>
  );
}
