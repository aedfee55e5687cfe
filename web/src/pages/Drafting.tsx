/** The drafting office: its documents with their status (newest first, paged), and opening one by its id. */
import { Alert, Button, Card, Input, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api, call, type DocumentView } from '../api/client';
import { cst, DOCUMENT_STATUS, errorText } from '../labels';

export default function Drafting() {
  const navigate = useNavigate();
  const [docs, setDocs] = useState<DocumentView[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [cursor, setCursor] = useState<string | undefined>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string>();
  const [openId, setOpenId] = useState('');
  useEffect(() => {
    let current = true;
    setLoading(true);
    call(api.GET('/v1/documents', { params: { query: { limit: 20, ...(cursor ? { cursor } : {}) } } }))
      .then((page) => {
        if (!current) return;
        // "More" appends the next page to what is shown.
        setDocs((shown) => (cursor ? [...shown, ...page.items] : page.items));
        setNextCursor(page.nextCursor ?? null);
      })
      .catch((err: unknown) => current && setError(errorText(err)))
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [cursor]);
  return (
    <Card
      title={
        <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
          我的文件
        </Typography.Title>
      }
      extra={
        <Button type="primary" onClick={() => navigate('/documents/new')}>
          新建草案
        </Button>
      }
    >
      <Space style={{ marginBottom: 12 }}>
        <Input
          aria-label="文件编号"
          placeholder="按文件编号打开"
          value={openId}
          onChange={(e) => setOpenId(e.target.value)}
        />
        <Button disabled={!openId.trim()} onClick={() => navigate(`/documents/${encodeURIComponent(openId.trim())}`)}>
          打开
        </Button>
      </Space>
      {error && <Alert type="error" showIcon message={error} role="alert" style={{ marginBottom: 12 }} />}
      <Table<DocumentView>
        rowKey="id"
        loading={loading}
        dataSource={docs}
        pagination={false}
        locale={{ emptyText: '暂无文件' }}
        columns={[
          { title: '标题', dataIndex: 'title', render: (t: string, d) => <Link to={`/documents/${d.id}`}>{t}</Link> },
          { title: '版本', dataIndex: 'currentVersion', render: (v: number) => `第 ${v} 版` },
          {
            title: '状态',
            dataIndex: 'status',
            render: (s: string) => <Tag>{DOCUMENT_STATUS[s] ?? s}</Tag>,
          },
          { title: '更新时间', dataIndex: 'updatedAt', render: (at: string) => cst(at) },
        ]}
      />
      <Button
        style={{ marginTop: 12 }}
        disabled={!nextCursor || loading}
        onClick={() => setCursor(nextCursor ?? undefined)}
      >
        更多
      </Button>
    </Card>
  );
}
