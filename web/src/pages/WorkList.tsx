/**
 * 我的待办: the caller's tasks (the API decides which: their region and role), newest first, with
 * the due date and the working days left (overdue in red), filters and cursor paging.
 */
import { Alert, Button, Card, Select, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api, call, loadSession, type Task } from '../api/client';
import { cst, cstDay, errorText, KIND, REGION, TASK_STATUS } from '../labels';
import { calendarsReady, workingDaysLeft } from '../workdays';

type Filters = {
  status: 'open' | 'completed' | 'expired' | 'cancelled';
  kind?: Task['kind'];
  overdue?: 'true' | 'false';
};

const FIRST_PAGE = { status: 'open', limit: 20 } as const;
let prefetched: Promise<{ items: Task[]; nextCursor?: string | null }> | undefined;

/**
 * Asks for the first page of open tasks before React has rendered anything, when the console opens
 * on the work list: the request and the first render then overlap instead of following each other.
 */
export function prefetchWorkList(): void {
  const session = loadSession();
  if (!session || !['/', '/tasks'].includes(window.location.pathname)) return;
  if (!session.roles.some((r) => r === 'reviewer' || r === 'signer')) return;
  prefetched = call(api.GET('/v1/tasks', { params: { query: FIRST_PAGE } }));
  prefetched.catch(() => undefined);
}

/** The prefetched first page, once, when `query` is the first page's. */
function takePrefetched(query: Record<string, unknown>) {
  const pending = prefetched;
  prefetched = undefined;
  const isFirstPage = Object.keys(query).length === 2 && query.status === 'open' && query.limit === 20;
  return isFirstPage ? pending : undefined;
}

export default function WorkList() {
  const navigate = useNavigate();
  const [filters, setFilters] = useState<Filters>({ status: 'open' });
  // The cursors of the pages before this one; `cursor` is this page's.
  const [previous, setPrevious] = useState<(string | undefined)[]>([]);
  const [cursor, setCursor] = useState<string | undefined>();
  const [page, setPage] = useState<{ items: Task[]; nextCursor?: string | null }>();
  const [titles, setTitles] = useState<Record<string, string>>({});
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(false);
  const [, setCalendarTick] = useState(0);

  useEffect(() => {
    let current = true;
    setLoading(true);
    setError(undefined);
    const query = { ...filters, limit: 20, ...(cursor ? { cursor } : {}) };
    (takePrefetched(query) ?? call(api.GET('/v1/tasks', { params: { query } })))
      .then((data) => {
        if (!current) return;
        setPage(data);
        // Holiday-exact counts, and the documents' titles, follow the first paint.
        const days = data.items.flatMap((t) => (t.dueAt ? [cstDay(new Date(t.dueAt))] : []));
        void calendarsReady(days).then(() => current && setCalendarTick((n) => n + 1));
        const ids = [...new Set(data.items.map((t) => t.documentId ?? ''))].filter((id) => id && !titles[id]);
        void Promise.all(
          ids.map((id) =>
            api
              .GET('/v1/documents/{id}', { params: { path: { id } } })
              .then(({ data: doc }): [string, string | undefined] => [id, doc?.title]),
          ),
        ).then((pairs) => {
          const known = Object.fromEntries(pairs.filter((p): p is [string, string] => p[1] !== undefined));
          if (current) setTitles((t) => ({ ...t, ...known }));
        });
      })
      .catch((err: unknown) => current && setError(errorText(err)))
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [filters, cursor]);

  const filter = (next: Partial<Filters>) => {
    setFilters((f) => ({ ...f, ...next }));
    setPrevious([]);
    setCursor(undefined);
  };

  const open = (task: Task) =>
    navigate(task.kind === 'revision' ? `/documents/${task.documentId}` : `/tasks/${task.id}`);

  return (
    <Card
      title={
        <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
          我的待办
        </Typography.Title>
      }
    >
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          aria-label="任务状态"
          value={filters.status}
          style={{ width: 120 }}
          onChange={(status) => filter({ status })}
          options={Object.entries(TASK_STATUS).map(([value, label]) => ({ value, label }))}
        />
        <Select
          aria-label="任务类型"
          allowClear
          placeholder="全部类型"
          value={filters.kind}
          style={{ width: 160 }}
          onChange={(kind) => filter({ kind })}
          options={Object.entries(KIND).map(([value, label]) => ({ value, label }))}
        />
        <Select
          aria-label="是否逾期"
          allowClear
          placeholder="逾期与否"
          value={filters.overdue}
          style={{ width: 120 }}
          onChange={(overdue) => filter({ overdue })}
          options={[
            { value: 'true', label: '仅逾期' },
            { value: 'false', label: '未逾期' },
          ]}
        />
      </Space>
      {error && <Alert type="error" showIcon message={error} role="alert" style={{ marginBottom: 12 }} />}
      <Table<Task>
        rowKey="id"
        size="middle"
        loading={loading}
        dataSource={page?.items ?? []}
        pagination={false}
        locale={{ emptyText: '暂无任务' }}
        onRow={(task) => ({ onClick: () => open(task), style: { cursor: 'pointer' }, 'data-testid': 'task-row' })}
        columns={[
          { title: '任务', dataIndex: 'kind', render: (k: string) => <Tag color="blue">{KIND[k] ?? k}</Tag> },
          {
            title: '文件',
            dataIndex: 'documentId',
            render: (id: string, task) => (
              <a
                href={task.kind === 'revision' ? `/documents/${id}` : `/tasks/${task.id}`}
                onClick={(e) => {
                  e.preventDefault();
                  open(task);
                }}
              >
                {titles[id] ?? id}
              </a>
            ),
          },
          { title: '地区', dataIndex: 'region', render: (r: string) => REGION[r] ?? r },
          { title: '到达时间', dataIndex: 'createdAt', render: (at: string) => cst(at) },
          {
            title: '办理期限',
            dataIndex: 'dueAt',
            render: (due: string | null, task) =>
              due ? <span className={task.overdue ? 'overdue' : undefined}>{cst(due)}</span> : '不限',
          },
          {
            title: '剩余工作日',
            key: 'left',
            render: (_: unknown, task) => {
              if (!task.dueAt || task.status !== 'open') return '—';
              const left = workingDaysLeft(task.dueAt);
              return task.overdue ? (
                <span className="overdue">已逾期{left < 0 ? ` ${-left} 个工作日` : ''}</span>
              ) : (
                `${left} 个工作日`
              );
            },
          },
          { title: '状态', dataIndex: 'status', render: (s: string) => TASK_STATUS[s] ?? s },
        ]}
      />
      <Space style={{ marginTop: 12 }}>
        <Button
          disabled={previous.length === 0}
          onClick={() => {
            setCursor(previous[previous.length - 1]);
            setPrevious((p) => p.slice(0, -1));
          }}
        >
          上一页
        </Button>
        <Button
          disabled={!page?.nextCursor}
          onClick={() => {
            setPrevious((p) => [...p, cursor]);
            setCursor(page?.nextCursor ?? undefined);
          }}
        >
          下一页
        </Button>
      </Space>
    </Card>
  );
}
