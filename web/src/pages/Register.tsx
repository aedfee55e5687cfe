/**
 * The register (台账): every review of a year, filtered by region and status, searched by title,
 * number or drafting unit (`GET /v1/register`), paged; the same rows downloaded as CSV or XLSX.
 */
import { Alert, Button, Card, Input, InputNumber, Select, Space, Table } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { CursorPager, type Cursors } from '../pager';
import { api, call, loadSession, type Schemas } from '../api/client';
import { CONCLUSION, REGION, REVIEW_STATUS, cstDate, errorText } from '../labels';

type Row = Schemas['RegisterRow'];
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export default function Register() {
  const [filters, setFilters] = useState<{ year: number; region?: string; status?: string; q?: string }>({
    year: new Date().getFullYear(),
  });
  const [cursors, setCursors] = useState<Cursors>([undefined]);
  const [page, setPage] = useState<{ items: Row[]; nextCursor?: string | null }>();
  const [error, setError] = useState<string>();
  const cursor = cursors[cursors.length - 1];

  useEffect(() => {
    const query = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined && v !== ''));
    call(api.GET('/v1/register', { params: { query: { ...query, limit: 20, ...(cursor ? { cursor } : {}) } } }))
      .then(setPage)
      .catch((err: unknown) => setError(errorText(err)));
  }, [filters, cursor]);

  const refilter = (change: Partial<typeof filters>) => {
    setFilters({ ...filters, ...change });
    setCursors([undefined]);
  };

  /** Downloads every matching row in `type` (the API streams it). */
  const download = async (type: string, extension: string) => {
    const query = new URLSearchParams(
      Object.entries(filters)
        .filter(([, v]) => v !== undefined && v !== '')
        .map(([k, v]) => [k, String(v)]),
    );
    const res = await fetch(`/v1/register?${query.toString()}`, {
      headers: { Accept: type, Authorization: `Bearer ${loadSession()?.token ?? ''}` },
    });
    if (!res.ok) return setError(`导出失败（${res.status}）`);
    const url = URL.createObjectURL(await res.blob());
    const link = document.createElement('a');
    link.href = url;
    link.download = `台账-${filters.year}.${extension}`;
    link.click();
    URL.revokeObjectURL(url);
  };

  return (
    <Card title="台账">
      {error && <Alert type="error" message={error} showIcon closable onClose={() => setError(undefined)} />}
      <Space wrap style={{ marginBottom: 16 }}>
        <InputNumber
          aria-label="年度"
          value={filters.year}
          min={2000}
          max={2100}
          onChange={(v) => v && refilter({ year: v })}
        />
        <Select
          aria-label="地区"
          allowClear
          placeholder="地区"
          style={{ width: 120 }}
          value={filters.region}
          onChange={(region?: string) => refilter({ region })}
          options={Object.entries(REGION).map(([value, label]) => ({ value, label }))}
        />
        <Select
          aria-label="状态"
          allowClear
          placeholder="状态"
          style={{ width: 120 }}
          value={filters.status}
          onChange={(status?: string) => refilter({ status })}
          options={Object.entries(REVIEW_STATUS).map(([value, label]) => ({ value, label }))}
        />
        <Input.Search
          aria-label="搜索台账"
          placeholder="文件名称、编号或起草单位"
          allowClear
          onSearch={(q) => refilter({ q: q.trim() || undefined })}
          style={{ width: 280 }}
        />
        <Button onClick={() => void download('text/csv', 'csv')}>导出 CSV</Button>
        <Button onClick={() => void download(XLSX, 'xlsx')}>导出 Excel</Button>
      </Space>
      <Table<Row>
        rowKey="reviewId"
        size="small"
        pagination={false}
        dataSource={page?.items ?? []}
        columns={[
          { title: '登记编号', dataIndex: 'registrationNumber' },
          {
            title: '文件名称',
            dataIndex: 'title',
            render: (title: string, row) => <Link to={`/reviews/${encodeURIComponent(row.reviewId)}`}>{title}</Link>,
          },
          { title: '起草单位', dataIndex: 'draftingUnit' },
          { title: '地区', dataIndex: 'region', render: (r: string) => REGION[r] },
          { title: '状态', dataIndex: 'status', render: (s: string) => REVIEW_STATUS[s] },
          { title: '收件', dataIndex: 'receivedAt', render: (d: string) => cstDate(d) },
          { title: '办结', dataIndex: 'closedAt', render: (d: string | null) => cstDate(d) },
          { title: '结论', dataIndex: 'conclusion', render: (c: string | null) => (c ? CONCLUSION[c] : '') },
          { title: '意见书编号', dataIndex: 'opinionNumber' },
          { title: '用时（工作日）', dataIndex: 'workingDaysUsed' },
        ]}
      />
      <CursorPager cursors={cursors} setCursors={setCursors} nextCursor={page?.nextCursor} />
    </Card>
  );
}
