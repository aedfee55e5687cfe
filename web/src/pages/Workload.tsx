/** 人员负荷: the head's view of each person of the body, their open and overdue tasks and absences. */
import { Alert, Table } from 'antd';
import { usePeople } from '../assignment';
import { cst } from '../labels';

export default function Workload() {
  const { people, error } = usePeople('reviewer', true);
  return (
    <section className="page-panel">
      <h1 className="page-title">人员负荷</h1>
      {error && <Alert type="error" showIcon role="alert" message={error} />}
      <Table
        rowKey="sub"
        size="small"
        pagination={false}
        dataSource={[...people].sort((a, b) => b.openTasks - a.openTasks)}
        columns={[
          { title: '人员', dataIndex: 'name' },
          { title: '在办', dataIndex: 'openTasks' },
          {
            title: '逾期',
            dataIndex: 'overdueTasks',
            render: (n: number) => (n > 0 ? <span className="overdue">{n}</span> : n),
          },
          {
            title: '请假/委托',
            render: (_: unknown, p: (typeof people)[number]) =>
              p.absent
                ? `${cst(p.absent.from)} 至 ${cst(p.absent.to)}，由 ${p.absent.delegate.name ?? p.absent.delegate.sub} 代理`
                : '—',
          },
        ]}
      />
    </section>
  );
}
