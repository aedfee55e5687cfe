/**
 * 审计检查点 (supervisors): the signed checkpoints of every review's sealed head, newest first
 * (`GET /v1/audit/checkpoints`), a page at a time. Each is a Merkle root the operator copies off the
 * machine; verifying a review proves it against the latest that holds it.
 */
import { Alert, Card, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { CursorPager, type Cursors } from '../pager';
import { api, call, type Schemas } from '../api/client';
import { cst, errorText } from '../labels';

type Checkpoint = Schemas['Checkpoint'];

export default function Checkpoints() {
  const [cursors, setCursors] = useState<Cursors>([undefined]);
  const [page, setPage] = useState<{ items: Checkpoint[]; nextCursor?: string | null }>();
  const [error, setError] = useState<string>();
  const cursor = cursors[cursors.length - 1];

  useEffect(() => {
    call(api.GET('/v1/audit/checkpoints', { params: { query: { limit: 20, ...(cursor ? { cursor } : {}) } } }))
      .then(setPage)
      .catch((err: unknown) => setError(errorText(err)));
  }, [cursor]);

  return (
    <Card title="审计检查点">
      <Typography.Paragraph type="secondary">
        每个检查点对全部审核记录的末端哈希计算默克尔根并签名，副本文件供运维人员复制到本机之外保存。
      </Typography.Paragraph>
      {error && <Alert type="error" role="alert" message={error} showIcon />}
      <Table<Checkpoint>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={page?.items ?? []}
        locale={{ emptyText: '尚无检查点' }}
        columns={[
          { title: '序号', dataIndex: 'n' },
          { title: '生成时间', dataIndex: 'at', render: (at: string) => cst(at) },
          { title: '覆盖审核数', dataIndex: 'size' },
          {
            title: '默克尔根',
            dataIndex: 'root',
            render: (root: string) => (
              <Typography.Text code copyable={{ text: root }} title={root}>
                {root.slice(0, 16)}…
              </Typography.Text>
            ),
          },
          { title: '签名密钥', dataIndex: 'keyId' },
          { title: '副本文件', dataIndex: 'file', render: (file?: string) => file ?? '—' },
        ]}
      />
      <CursorPager cursors={cursors} setCursors={setCursors} nextCursor={page?.nextCursor} />
    </Card>
  );
}
