/**
 * The console's shell: sign-in, then a left-hand menu with only what the person's roles may use,
 * a header with the notification bell, and the screens, each loaded when first opened.
 */
import { Button, ConfigProvider, Layout, Space, Spin } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { BrowserRouter, Navigate, NavLink, Route, Routes, useNavigate, useParams } from 'react-router-dom';
import { loadSession, saveSession, whenUnauthenticated, type Session } from './api/client';
import { REGION, ROLE } from './labels';
import { hasRole, SessionContext } from './session';
import { THEME } from './theme';
// The work list is where reviewers and signers land: in the first bundle, with no chunk waterfall
// before its rows show. Everything else, the sign-in page too, loads when first opened.
import WorkList from './pages/WorkList';

const SignIn = lazy(() => import('./pages/SignIn'));
const Drafting = lazy(() => import('./pages/Drafting'));
const DocumentEditor = lazy(() => import('./pages/DocumentEditor'));
const DocumentPage = lazy(() => import('./pages/DocumentPage'));
const TaskPage = lazy(() => import('./pages/TaskPage'));
const Dashboard = lazy(() => import('./pages/Dashboard'));
const ReviewPage = lazy(() => import('./pages/ReviewPage'));
const OpinionPage = lazy(() => import('./pages/OpinionPage'));
const RevisionLetterPage = lazy(() => import('./pages/RevisionLetterPage'));
// After the review (after-review-pages.tsx): a course task, the filing catalogue, the public form.
const CourseTaskPage = lazy(() => import('./after-review-pages').then((m) => ({ default: m.CourseTaskPage })));
const CataloguePage = lazy(() => import('./after-review-pages').then((m) => ({ default: m.CataloguePage })));
const PublicSuggestionPage = lazy(() =>
  import('./after-review-pages').then((m) => ({ default: m.PublicSuggestionPage })),
);
/** A task page: the review's, or the course's for the tasks after the review (ids `<documentId>:after:<n>`). */
function TaskScreen() {
  const { taskId = '' } = useParams();
  return taskId.includes(':after:') ? <CourseTaskPage /> : <TaskPage />;
}
const Workload = lazy(() => import('./pages/Workload'));
const Checkpoints = lazy(() => import('./pages/Checkpoints'));
const PersonMenu = lazy(() => import('./PersonMenu'));
const TopicsPage = lazy(() => import('./pages/Exchange').then((m) => ({ default: m.TopicsPage })));
const TopicPage = lazy(() => import('./pages/Exchange').then((m) => ({ default: m.TopicPage })));
const GuidelinesPage = lazy(() => import('./pages/Exchange').then((m) => ({ default: m.GuidelinesPage })));
const GuidelinePage = lazy(() => import('./pages/Exchange').then((m) => ({ default: m.GuidelinePage })));
const PrecedentsPage = lazy(() => import('./pages/Exchange').then((m) => ({ default: m.PrecedentsPage })));
const Register = lazy(() => import('./pages/Register'));
const AnnualStats = lazy(() => import('./pages/AnnualStats'));
const CalendarAdmin = lazy(() => import('./pages/CalendarAdmin'));
const Search = lazy(() => import('./pages/Search'));
// The bell loads just after the screen: its popover is code the first paint does not need.
const Bell = lazy(() => import('./Bell'));

/**
 * The header's search box: a plain form (nothing added to the first bundle), whose answer is the
 * search page (pages/Search.tsx).
 */
function HeaderSearch() {
  const navigate = useNavigate();
  return (
    <form
      role="search"
      className="header-search"
      onSubmit={(event) => {
        event.preventDefault();
        const q = event.currentTarget.querySelector('input')?.value.trim();
        if (q) navigate(`/search?q=${encodeURIComponent(q)}`);
      }}
    >
      <input name="q" type="search" aria-label="查找文件" placeholder="标题或编号" maxLength={100} />
      <button type="submit">查找</button>
    </form>
  );
}

/** Below this width (antd's `lg`) the menu folds away behind the header's 菜单 button. */
const NARROW = '(max-width: 991.98px)';

function Shell({ session, signOut }: { session: Session; signOut: () => void }) {
  const narrow = () => window.matchMedia(NARROW).matches;
  const [menuOpen, setMenuOpen] = useState(() => !narrow());
  useEffect(() => {
    const query = window.matchMedia(NARROW);
    const follow = () => setMenuOpen(!query.matches);
    query.addEventListener('change', follow);
    return () => query.removeEventListener('change', follow);
  }, []);
  // On a narrow screen, following a link folds the menu again.
  const afterNavigate = () => narrow() && setMenuOpen(false);
  const items = useMemo(() => {
    const menu: { key: string; label: string }[] = [];
    if (hasRole(session, 'reviewer', 'signer')) menu.push({ key: '/tasks', label: '我的待办' });
    if (hasRole(session, 'drafter')) {
      menu.push({ key: '/documents', label: '我的文件' });
      menu.push({ key: '/documents/new', label: '新建草案' });
      menu.push({ key: '/tasks', label: '待办（修改/补正）' });
    }
    if (hasRole(session, 'supervisor')) {
      menu.push({ key: '/dashboard', label: '监督看板' });
      menu.push({ key: '/audit/checkpoints', label: '审计检查点' });
    }
    if (hasRole(session, 'reviewer', 'signer', 'supervisor')) menu.push({ key: '/catalogue', label: '备案目录' });
    if (hasRole(session, 'signer')) menu.push({ key: '/workload', label: '人员负荷' });
    // The exchange (研讨交流): reviewers, signers and supervisors; drafters see none of it.
    if (hasRole(session, 'reviewer', 'signer', 'supervisor')) {
      menu.push({ key: '/topics', label: '研讨交流' });
      menu.push({ key: '/guidelines', label: '协同审核指引' });
      menu.push({ key: '/precedents', label: '案例检索' });
    }
    if (hasRole(session, 'supervisor', 'reviewer', 'signer')) {
      menu.push({ key: '/register', label: '台账' });
      menu.push({ key: '/stats/annual', label: '年度统计' });
    }
    if (hasRole(session, 'admin')) menu.push({ key: '/calendar', label: '工作日历' });
    return menu.filter((m, i) => menu.findIndex((o) => o.key === m.key) === i);
  }, [session]);
  const home = items[0]?.key ?? '/tasks';
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider
        width={200}
        theme="light"
        collapsed={!menuOpen}
        collapsedWidth={0}
        trigger={null}
        id="main-menu"
        className="main-menu"
      >
        <div style={{ padding: 16, fontWeight: 600 }}>合法性审核平台</div>
        <nav aria-label="主菜单">
          {/* Links in antd's inline-menu look (console.css): a real link per screen, and none of
              antd Menu's popup and overflow machinery in the first bundle. */}
          <ul className="side-menu">
            {items.map((item) => (
              <li key={item.key}>
                <NavLink to={item.key} end onClick={afterNavigate}>
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
      </Layout.Sider>
      <Layout>
        <Layout.Header className="console-header">
          <Space size={8} className="console-header-title">
            {/* A real button, named and keyboard-reachable, that opens and folds the menu. */}
            <Button
              aria-label={menuOpen ? '收起菜单' : '打开菜单'}
              aria-expanded={menuOpen}
              aria-controls="main-menu"
              onClick={() => setMenuOpen((open) => !open)}
            >
              菜单
            </Button>
            <strong className="title-long">京津冀行政规范性文件合法性审核协同平台</strong>
            <strong className="title-short">合法性审核平台</strong>
          </Space>
          <Space>
            <HeaderSearch />
            <Suspense fallback={<span className="bell-placeholder" />}>
              <Bell />
            </Suspense>
            <span data-testid="whoami" className="whoami">
              {session.name ?? session.sub}（{REGION[session.region]}·{session.roles.map((r) => ROLE[r]).join('、')}）
            </span>
            {hasRole(session, 'reviewer', 'signer') && (
              <Suspense fallback={null}>
                <PersonMenu />
              </Suspense>
            )}
            <Button onClick={signOut}>退出</Button>
          </Space>
        </Layout.Header>
        <Layout.Content className="console-content">
          <main>
            <Suspense fallback={<Spin aria-label="加载中" />}>
              <Routes>
                <Route path="/" element={<Navigate to={home} replace />} />
                <Route path="/signin" element={<Navigate to={home} replace />} />
                <Route path="/tasks" element={<WorkList />} />
                <Route path="/tasks/:taskId" element={<TaskScreen />} />
                <Route path="/catalogue" element={<CataloguePage />} />
                <Route path="/documents" element={<Drafting />} />
                <Route path="/documents/new" element={<DocumentEditor />} />
                <Route path="/documents/:id" element={<DocumentPage />} />
                <Route path="/documents/:id/edit" element={<DocumentEditor />} />
                <Route path="/dashboard" element={<Dashboard />} />
                <Route path="/workload" element={<Workload />} />
                <Route path="/audit/checkpoints" element={<Checkpoints />} />
                <Route path="/reviews/:reviewId" element={<ReviewPage />} />
                <Route path="/reviews/:reviewId/opinion" element={<OpinionPage />} />
                <Route path="/reviews/:reviewId/revision-letters/:round" element={<RevisionLetterPage />} />
                <Route path="/topics" element={<TopicsPage />} />
                <Route path="/topics/:id" element={<TopicPage />} />
                <Route path="/guidelines" element={<GuidelinesPage />} />
                <Route path="/guidelines/:id" element={<GuidelinePage />} />
                <Route path="/precedents" element={<PrecedentsPage />} />
                <Route path="/register" element={<Register />} />
                <Route path="/stats/annual" element={<AnnualStats />} />
                <Route path="/calendar" element={<CalendarAdmin />} />
                <Route path="/search" element={<Search />} />
                <Route path="*" element={<p>页面不存在</p>} />
              </Routes>
            </Suspense>
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

export function App() {
  const [session, setSession] = useState<Session | undefined>(loadSession);
  const signOut = useCallback(() => {
    saveSession(undefined);
    setSession(undefined);
  }, []);
  useEffect(() => whenUnauthenticated(signOut), [signOut]);
  const context = useMemo(() => (session ? { session, signOut } : undefined), [session, signOut]);
  return (
    <ConfigProvider locale={zhCN} theme={THEME}>
      <BrowserRouter>
        {/* The public's suggestion page needs no sign-in. */}
        {window.location.pathname.startsWith('/public/') ? (
          <Suspense fallback={<Spin aria-label="加载中" />}>
            <PublicSuggestionPage />
          </Suspense>
        ) : context ? (
          <SessionContext.Provider value={context}>
            <Shell {...context} />
          </SessionContext.Provider>
        ) : (
          <Suspense fallback={<Spin aria-label="加载中" />}>
            <SignIn
              onSignedIn={(s) => {
                saveSession(s);
                setSession(s);
              }}
            />
          </Suspense>
        )}
      </BrowserRouter>
    </ConfigProvider>
  );
}
