/**
 * 我的待办: the caller's tasks (the API decides which: their region and role). Open work most urgent
 * first (overdue, then due soonest: GET /v1/tasks?sort=urgency), with 加急 and the 受理编号, the last
 * day of each limit and the working days left (overdue in red), filters and cursor paging.
 */
import { Alert, Button, Radio, Space, Spin } from 'antd';
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api, call, type Task } from '../api/client';
import { AssignDialog, assigneeName } from '../assignment';
import { hasRole, useSession } from '../session';
import { cst, cstDay, dueDayText, errorText, KIND, REGION, TASK_STATUS } from '../labels';
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

/** The columns; those marked `wide` give way on a tablet (console.css), so no row scrolls sideways. */
const COLUMNS: { title: string; wide?: boolean }[] = [
  { title: '任务' },
  { title: '加急' },
  { title: '受理编号' },
  { title: '文件' },
  { title: '地区', wide: true },
  { title: '到达时间', wide: true },
  { title: '办理期限' },
  { title: '剩余工作日' },
  { title: '承办人' },
  { title: '状态', wide: true },
];
const WIDE = 'wide-only';

/** 我的: assigned to me (or to whoever I stand in for); 待分办: the pool; 本处全部: everything of the body. */
type View = 'mine' | 'pool' | 'all';
const VIEW_QUERY: Record<View, { assignee?: string }> = {
  mine: { assignee: 'me' },
  pool: { assignee: 'none' },
  all: {},
};

const SUBJECT: Record<string, string> = { topic: '研讨议题', guideline: '协同审核指引' };

/** Where a task is handled: a revision on its document, an exchange task on its topic or guideline. */
function taskHref(task: Task): string {
  if (task.subject?.type === 'topic') return `/topics/${task.subject.id}`;
  if (task.subject?.type === 'guideline') return `/guidelines/${task.subject.id}`;
  return task.kind === 'revision' ? `/documents/${task.documentId}` : `/tasks/${task.id}`;
}

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
  const { session } = useSession();
  // The head (signer) sees and assigns the body's reviewer tasks too.
  const heads = hasRole(session, 'signer');
  const [view, setView] = useState<View>('all');
  const [assigning, setAssigning] = useState<Task>();
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
    // Open work most urgent first; the rest (done, expired) newest first.
    const query = {
      ...filters,
      ...VIEW_QUERY[view],
      ...(heads && view !== 'mine' && { team: 'true' as const }),
      ...(filters.status === 'open' && { sort: 'urgency' as const }),
      limit: 20,
      ...(cursor ? { cursor } : {}),
    };
    // The opening query is the prefetched one (the plain list); every later one goes to the API.
    const ready = opening.current && !heads ? prefetched : undefined;
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
  }, [filters, cursor, view, assigning]);

  const filter = (next: Partial<Filters>) => {
    setFilters((f) => ({ ...f, ...next }));
    setPrevious([]);
    setCursor(undefined);
  };

  const open = (task: Task) => navigate(taskHref(task));

  return (
    <section className="page-panel">
      <h1 className="page-title">我的待办</h1>
      <Radio.Group
        aria-label="视图"
        optionType="button"
        value={view}
        onChange={(e) => {
          setView(e.target.value as View);
          setPrevious([]);
          setCursor(undefined);
        }}
        options={[
          { value: 'mine', label: '我的' },
          { value: 'pool', label: '待分办' },
          { value: 'all', label: '本处全部' },
        ]}
        style={{ marginBottom: 12 }}
      />
      {assigning && <AssignDialog task={assigning} onClose={() => setAssigning(undefined)} />}
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
                {COLUMNS.map(({ title, wide }) => (
                  <th key={title} scope="col" className={wide ? WIDE : undefined}>
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
                  <td data-testid="task-urgent">{task.urgent ? <span className="urgent-tag">加急</span> : ''}</td>
                  <td data-testid="task-number">{task.registrationNumber ?? '尚未受理'}</td>
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
                  <td className={WIDE}>{REGION[task.region ?? ''] ?? task.region}</td>
                  <td className={WIDE}>{cst(task.createdAt)}</td>
                  <td data-testid="task-due">
                    <span className={task.overdue ? 'overdue' : undefined}>{dueDayText(task.dueAt)}</span>
                  </td>
                  <td>{daysLeft(task)}</td>
                  <td data-testid="task-assignee">
                    {assigneeName(task)}
                    {heads && task.status === 'open' && task.role !== 'drafter' && (
                      <Button
                        size="small"
                        type="link"
                        onClick={(e) => {
                          e.stopPropagation();
                          setAssigning(task);
                        }}
                      >
                        {task.assignee ? '转办' : '分办'}
                      </Button>
                    )}
                  </td>
                  <td className={WIDE}>{TASK_STATUS[task.status ?? ''] ?? task.status}</td>
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
