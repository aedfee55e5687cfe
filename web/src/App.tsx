/**
 * The console's shell: sign-in, then a left-hand menu with only what the person's roles may use,
 * a header with the notification bell, and the screens, each loaded when first opened.
 */
import { Button, ConfigProvider, Layout, Space, Spin } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { BrowserRouter, Navigate, NavLink, Route, Routes } from 'react-router-dom';
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
const Register = lazy(() => import('./pages/Register'));
const AnnualStats = lazy(() => import('./pages/AnnualStats'));
const CalendarAdmin = lazy(() => import('./pages/CalendarAdmin'));
// The bell loads just after the screen: its popover is code the first paint does not need.
const Bell = lazy(() => import('./Bell'));

function Shell({ session, signOut }: { session: Session; signOut: () => void }) {
  const items = useMemo(() => {
    const menu: { key: string; label: string }[] = [];
    if (hasRole(session, 'reviewer', 'signer')) menu.push({ key: '/tasks', label: '我的待办' });
    if (hasRole(session, 'drafter')) {
      menu.push({ key: '/documents', label: '我的文件' });
      menu.push({ key: '/documents/new', label: '新建草案' });
      menu.push({ key: '/tasks', label: '待办（修改/补正）' });
    }
    if (hasRole(session, 'supervisor')) menu.push({ key: '/dashboard', label: '监督看板' });
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
      <Layout.Sider width={200} theme="light" breakpoint="lg" collapsedWidth={0}>
        <div style={{ padding: 16, fontWeight: 600 }}>合法性审核平台</div>
        <nav aria-label="主菜单">
          {/* Links in antd's inline-menu look (console.css): a real link per screen, and none of
              antd Menu's popup and overflow machinery in the first bundle. */}
          <ul className="side-menu">
            {items.map((item) => (
              <li key={item.key}>
                <NavLink to={item.key} end>
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{ background: '#fff', display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}
        >
          <strong>京津冀行政规范性文件合法性审核协同平台</strong>
          <Space>
            <Suspense fallback={<span className="bell-placeholder" />}>
              <Bell />
            </Suspense>
            <span data-testid="whoami">
              {session.name ?? session.sub}（{REGION[session.region]}·{session.roles.map((r) => ROLE[r]).join('、')}）
            </span>
            <Button onClick={signOut}>退出</Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ margin: 16 }}>
          <main>
            <Suspense fallback={<Spin aria-label="加载中" />}>
              <Routes>
                <Route path="/" element={<Navigate to={home} replace />} />
                <Route path="/signin" element={<Navigate to={home} replace />} />
                <Route path="/tasks" element={<WorkList />} />
                <Route path="/tasks/:taskId" element={<TaskPage />} />
                <Route path="/documents" element={<Drafting />} />
                <Route path="/documents/new" element={<DocumentEditor />} />
                <Route path="/documents/:id" element={<DocumentPage />} />
                <Route path="/documents/:id/edit" element={<DocumentEditor />} />
                <Route path="/dashboard" element={<Dashboard />} />
                <Route path="/reviews/:reviewId" element={<ReviewPage />} />
                <Route path="/reviews/:reviewId/opinion" element={<OpinionPage />} />
                <Route path="/reviews/:reviewId/revision-letters/:round" element={<RevisionLetterPage />} />
                <Route path="/register" element={<Register />} />
                <Route path="/stats/annual" element={<AnnualStats />} />
                <Route path="/calendar" element={<CalendarAdmin />} />
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
        {context ? (
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
