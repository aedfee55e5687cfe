/** The drafting office: my documents with their status, and opening one by its id. */
import { Button, Card, Input, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api, type DocumentView } from '../api/client';
import { cst, DOCUMENT_STATUS } from '../labels';
import { myDocuments } from '../mine';
import { useSession } from '../session';

export default function Drafting() {
  const { session } = useSession();
  const navigate = useNavigate();
  const [docs, setDocs] = useState<DocumentView[]>([]);
  const [openId, setOpenId] = useState('');
  useEffect(() => {
    void Promise.all(
      myDocuments(session.sub).map(({ id }) =>
        api.GET('/v1/documents/{id}', { params: { path: { id } } }).then(({ data }) => data),
      ),
    ).then((list) => setDocs(list.filter((d): d is DocumentView => d !== undefined)));
  }, [session.sub]);
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
      <Table<DocumentView>
        rowKey="id"
        dataSource={docs}
        pagination={{ pageSize: 20 }}
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
    </Card>
  );
}
