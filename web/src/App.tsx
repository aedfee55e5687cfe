/**
 * The console's shell: sign-in, then a left-hand menu with only what the person's roles may use,
 * a header with the notification bell, and the screens, each loaded when first opened.
 */
import { BellOutlined } from '@ant-design/icons';
import {
  App as AntApp,
  Badge,
  Button,
  ConfigProvider,
  Layout,
  List,
  Menu,
  Popover,
  Space,
  Spin,
  Typography,
} from 'antd';
import zhCN from 'antd/locale/zh_CN';
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { BrowserRouter, Link, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { api, loadSession, saveSession, whenUnauthenticated, type Notification, type Session } from './api/client';
import { cst, REGION, ROLE } from './labels';
import { hasRole, SessionContext } from './session';
// The work list is where reviewers and signers land: in the first bundle, with no chunk waterfall
// before its request goes out. Everything else, the sign-in page too, loads when first opened.
import WorkList from './pages/WorkList';

const SignIn = lazy(() => import('./pages/SignIn'));
const Drafting = lazy(() => import('./pages/Drafting'));
const DocumentEditor = lazy(() => import('./pages/DocumentEditor'));
const DocumentPage = lazy(() => import('./pages/DocumentPage'));
const TaskPage = lazy(() => import('./pages/TaskPage'));
const Dashboard = lazy(() => import('./pages/Dashboard'));
const ReviewPage = lazy(() => import('./pages/ReviewPage'));
const OpinionPage = lazy(() => import('./pages/OpinionPage'));

const SEEN_KEY = 'console.notificationsSeenAt';

/**
 * Ant Design's default blue, red and greys fall short of WCAG AA contrast (4.5:1) for text; these
 * darker tokens meet it (the tags' colours are in console.css).
 */
const THEME = {
  token: {
    colorPrimary: '#0958d9',
    colorError: '#cf1322',
    colorLink: '#0958d9',
    colorTextSecondary: 'rgba(0, 0, 0, 0.7)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.62)',
    colorTextDescription: 'rgba(0, 0, 0, 0.62)',
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.56)',
    colorTextDisabled: 'rgba(0, 0, 0, 0.56)',
  },
};

function Bell() {
  const [items, setItems] = useState<Notification[]>([]);
  const [seenAt, setSeenAt] = useState(() => localStorage.getItem(SEEN_KEY) ?? '');
  useEffect(() => {
    let stop = false;
    const load = () =>
      void api.GET('/v1/notifications', { params: { query: { limit: 20 } } }).then(({ data }) => {
        if (!stop && data) setItems(data.items);
      });
    load();
    const timer = setInterval(load, 30_000);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, []);
  const unread = items.filter((n) => (n.createdAt ?? '') > seenAt).length;
  const markRead = () => {
    const latest = items[0]?.createdAt ?? new Date().toISOString();
    localStorage.setItem(SEEN_KEY, latest);
    setSeenAt(latest);
  };
  const content = (
    <List
      style={{ width: 360, maxHeight: 400, overflow: 'auto' }}
      locale={{ emptyText: '暂无通知' }}
      dataSource={items}
      renderItem={(n) => (
        <List.Item>
          <List.Item.Meta
            title={n.taskId ? <Link to={`/tasks/${n.taskId}`}>{n.message}</Link> : n.message}
            description={cst(n.createdAt)}
          />
        </List.Item>
      )}
    />
  );
  return (
    <Popover content={content} title="通知" trigger="click" onOpenChange={(open) => open || markRead()}>
      <Badge count={unread} size="small">
        <Button type="text" icon={<BellOutlined />} aria-label={`通知（${unread} 条未读）`} />
      </Badge>
    </Popover>
  );
}

function Shell({ session, signOut }: { session: Session; signOut: () => void }) {
  const location = useLocation();
  const navigate = useNavigate();
  const items = useMemo(() => {
    const menu: { key: string; label: string }[] = [];
    if (hasRole(session, 'reviewer', 'signer')) menu.push({ key: '/tasks', label: '我的待办' });
    if (hasRole(session, 'drafter')) {
      menu.push({ key: '/documents', label: '我的文件' });
      menu.push({ key: '/documents/new', label: '新建草案' });
      menu.push({ key: '/tasks', label: '待办（修改/补正）' });
    }
    if (hasRole(session, 'supervisor')) menu.push({ key: '/dashboard', label: '监督看板' });
    return menu.filter((m, i) => menu.findIndex((o) => o.key === m.key) === i);
  }, [session]);
  const home = items[0]?.key ?? '/tasks';
  const selected = items.map((i) => i.key).filter((k) => location.pathname === k);
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider width={200} theme="light" breakpoint="lg" collapsedWidth={0}>
        <div style={{ padding: 16, fontWeight: 600 }}>合法性审核平台</div>
        <nav aria-label="主菜单">
          <Menu mode="inline" selectedKeys={selected} items={items} onClick={({ key }) => navigate(key)} />
        </nav>
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{ background: '#fff', display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}
        >
          <Typography.Text strong>京津冀行政规范性文件合法性审核协同平台</Typography.Text>
          <Space>
            <Bell />
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
                <Route path="*" element={<Typography.Text>页面不存在</Typography.Text>} />
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
      <AntApp>
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
      </AntApp>
    </ConfigProvider>
  );
}
