/**
 * Sign-in. With the development secret, the server lists demo people and mints their tokens
 * (`/v1/dev/*`); otherwise those are 404 and a person pastes the token their identity provider
 * issued. Either way the console holds a bearer token, exactly as any other API client does.
 */
import { Alert, Button, Card, Form, Input, List, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api, ApiFailure, call, sessionFromToken, type Session } from '../api/client';
import type { operations } from '../api/schema';
import { errorText, REGION, ROLE } from '../labels';

type DemoUser = NonNullable<operations['devUsers']['responses'][200]['content']['application/json']['items']>[number];

export default function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [demo, setDemo] = useState<DemoUser[] | undefined>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState<string>();
  useEffect(() => {
    // 404 outside development: then only the token form shows.
    api
      .GET('/v1/dev/users')
      .then(({ data }) => setDemo(data?.items ?? []))
      .catch(() => setDemo([]));
  }, []);

  const signInAs = async (key: DemoUser['key']) => {
    setBusy(key);
    setError(undefined);
    try {
      const { token } = await call(api.POST('/v1/dev/token', { body: { user: key } }));
      onSignedIn(sessionFromToken(token!));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(undefined);
    }
  };

  const pasteToken = async ({ token }: { token: string }) => {
    setError(undefined);
    try {
      const session = sessionFromToken(token);
      // The API is the judge: a token it refuses is not kept.
      const probe = await fetch('/v1/notifications?limit=1', { headers: { Authorization: `Bearer ${session.token}` } });
      if (!probe.ok) {
        const body = (await probe.json().catch(() => ({}))) as { error?: { code: string; message: string } };
        throw new ApiFailure(probe.status, body.error?.code ?? 'unauthenticated', body.error?.message ?? '');
      }
      onSignedIn(session);
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <main style={{ maxWidth: 720, margin: '48px auto', padding: 16 }}>
      <Typography.Title level={1} style={{ fontSize: 24 }}>
        京津冀行政规范性文件合法性审核协同平台
      </Typography.Title>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} role="alert" />}
      {demo && demo.length > 0 && (
        <Card title="开发环境登录（演示用户）" style={{ marginBottom: 16 }}>
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 12 }}
            message="当前使用公开的开发密钥签发令牌，仅供开发和演示；生产环境不提供此页面。"
          />
          <List
            dataSource={demo}
            renderItem={(u) => (
              <List.Item
                actions={[
                  <Button
                    key="go"
                    type="primary"
                    loading={busy === u.key}
                    onClick={() => void signInAs(u.key)}
                    aria-label={`以${u.name}身份登录`}
                  >
                    登录
                  </Button>,
                ]}
              >
                <List.Item.Meta
                  title={u.name}
                  description={`${REGION[u.region]} · ${u.roles.map((r) => ROLE[r]).join('、')}${u.org ? ` · ${u.org}` : ''}`}
                />
              </List.Item>
            )}
          />
        </Card>
      )}
      <Card title="使用身份认证系统签发的令牌登录">
        <Form layout="vertical" onFinish={(v: { token: string }) => void pasteToken(v)}>
          <Form.Item
            label="访问令牌（Bearer JWT）"
            name="token"
            rules={[{ required: true, message: '请粘贴令牌' }]}
            extra="由本单位统一身份认证系统签发，含 sub、region、roles 等声明。"
          >
            <Input.TextArea rows={4} autoComplete="off" />
          </Form.Item>
          <Space>
            <Button type="primary" htmlType="submit">
              登录
            </Button>
          </Space>
        </Form>
      </Card>
    </main>
  );
}
