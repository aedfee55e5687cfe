/**
 * 我的待办: the caller's tasks (the API decides which: their region and role), newest first, with
 * the due date and the working days left (overdue in red), filters and cursor paging.
 */
import { Alert, Button, Space, Spin } from 'antd';
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api, call, type Task } from '../api/client';
import { cst, cstDay, errorText, KIND, REGION, TASK_STATUS } from '../labels';
import { calendarsReady, workingDaysLeft } from '../workdays';

export type Filters = {
  status: 'open' | 'completed' | 'expired' | 'cancelled';
  kind?: Task['kind'];
  overdue?: 'true' | 'false';
};

const WorkListFilters = lazy(() => import('./WorkListFilters'));

type Page = { items: Task[]; nextCursor?: string | null };

/**
 * What web/build/work-list-prefetch.js (inlined into index.html) leaves behind: its request, and
 * the page once it is in.
 */
interface Prefetch {
  done: Promise<Page | undefined>;
  settled: boolean;
  page?: Page;
}

/**
 * The first page of open tasks (status=open, limit=20: the work list's opening query) that the
 * page's prefetch asked for before this code loaded; taken once. The page itself when it is already
 * in, so that the first render shows the rows; its promise while pending; undefined when there is
 * none (or it failed: the list then asks itself, through the client, which handles a 401).
 */
function takePrefetchedFirstPage(): Page | Promise<Page | undefined> | undefined {
  const holder = window as unknown as { __workListFirstPage?: Prefetch };
  const prefetch = holder.__workListFirstPage;
  holder.__workListFirstPage = undefined;
  if (!prefetch) return undefined;
  return prefetch.settled ? prefetch.page : prefetch.done;
}

const SUBJECT: Record<string, string> = { topic: '研讨议题', guideline: '协同审核指引' };

/** Where a task is handled: a revision on its document, an exchange task on its topic or guideline. */
function taskHref(task: Task): string {
  if (task.subject?.type === 'topic') return `/topics/${task.subject.id}`;
  if (task.subject?.type === 'guideline') return `/guidelines/${task.subject.id}`;
  return task.kind === 'revision' ? `/documents/${task.documentId}` : `/tasks/${task.id}`;
}

const COLUMNS = ['任务', '文件', '地区', '到达时间', '办理期限', '剩余工作日', '状态'];

/** Working days left of an open task with a due date; overdue ones in red. */
function daysLeft(task: Task) {
  if (!task.dueAt || task.status !== 'open') return '—';
  const left = workingDaysLeft(task.dueAt);
  return task.overdue ? (
    <span className="overdue">已逾期{left < 0 ? ` ${-left} 个工作日` : ''}</span>
  ) : (
    `${left} 个工作日`
  );
}

export default function WorkList() {
  const navigate = useNavigate();
  const [filters, setFilters] = useState<Filters>({ status: 'open' });
  // The cursors of the pages before this one; `cursor` is this page's.
  const [previous, setPrevious] = useState<(string | undefined)[]>([]);
  const [cursor, setCursor] = useState<string | undefined>();
  const [prefetched] = useState(takePrefetchedFirstPage);
  const [page, setPage] = useState<Page | undefined>(prefetched instanceof Promise ? undefined : prefetched);
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(false);
  const [, setCalendarTick] = useState(0);
  const opening = useRef(true);

  useEffect(() => {
    let current = true;
    const query = { ...filters, limit: 20, ...(cursor ? { cursor } : {}) };
    // The opening query is the prefetched one; every later one goes to the API.
    const ready = opening.current ? prefetched : undefined;
    opening.current = false;
    if (!ready || ready instanceof Promise) {
      setLoading(true);
      setError(undefined);
    }
    Promise.resolve(ready)
      .then((data) => data ?? call(api.GET('/v1/tasks', { params: { query } })))
      .then((data) => {
        if (!current) return;
        setPage(data);
        // Holiday-exact counts follow the first paint.
        const days = data.items.flatMap((t) => (t.dueAt ? [cstDay(new Date(t.dueAt))] : []));
        void calendarsReady(days).then(() => current && setCalendarTick((n) => n + 1));
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

  const open = (task: Task) => navigate(taskHref(task));

  return (
    <section className="page-panel">
      <h1 className="page-title">我的待办</h1>
      {/* The filters load just after the rows: the select boxes are a third of the page's code. */}
      <Suspense fallback={<div className="work-list-filters-placeholder" />}>
        <WorkListFilters filters={filters} onChange={filter} />
      </Suspense>
      {error && <Alert type="error" showIcon message={error} role="alert" style={{ marginBottom: 12 }} />}
      {/* A plain table and panel rather than antd's Table and Card: this is the page most people
          land on, and those (with the filters, sorters, tabs and measurements they bring and this
          page does not use) were most of its first load and render (npm run measure:console). */}
      <Spin spinning={loading}>
        <div className="work-list-scroll">
          <table className="work-list">
            <thead>
              <tr>
                {COLUMNS.map((title) => (
                  <th key={title} scope="col">
                    {title}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {(page?.items ?? []).map((task) => (
                <tr key={task.id} data-testid="task-row" onClick={() => open(task)}>
                  <td>
                    <span className="kind-tag" data-testid="task-kind">
                      {KIND[task.kind ?? ''] ?? task.kind}
                    </span>
                  </td>
                  <td>
                    <a
                      href={taskHref(task)}
                      onClick={(e) => {
                        e.preventDefault();
                        e.stopPropagation();
                        open(task);
                      }}
                    >
                      {task.documentTitle ?? task.documentId ?? SUBJECT[task.subject?.type ?? '']}
                    </a>
                  </td>
                  <td>{REGION[task.region ?? ''] ?? task.region}</td>
                  <td>{cst(task.createdAt)}</td>
                  <td>
                    {task.dueAt ? (
                      <span className={task.overdue ? 'overdue' : undefined}>{cst(task.dueAt)}</span>
                    ) : (
                      '不限'
                    )}
                  </td>
                  <td>{daysLeft(task)}</td>
                  <td>{TASK_STATUS[task.status ?? ''] ?? task.status}</td>
                </tr>
              ))}
              {page && page.items.length === 0 && (
                <tr>
                  <td colSpan={COLUMNS.length} className="work-list-empty">
                    暂无任务
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </Spin>
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
    </section>
  );
}
