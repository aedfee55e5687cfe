/** The notification bell: the caller's latest notifications, with the unread ones counted. */
import { BellOutlined } from '@ant-design/icons';
import { Badge, Button, Popover } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api, type Notification } from './api/client';
import { cst } from './labels';

const SEEN_KEY = 'console.notificationsSeenAt';

export default function Bell() {
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
    <ul className="notification-list">
      {items.length === 0 && <li className="notification-empty">暂无通知</li>}
      {items.map((n) => (
        <li key={n.id}>
          <div>{n.taskId ? <Link to={`/tasks/${n.taskId}`}>{n.message}</Link> : n.message}</div>
          <div className="notification-time">{cst(n.createdAt)}</div>
        </li>
      ))}
    </ul>
  );
  return (
    <Popover content={content} title="通知" trigger="click" onOpenChange={(open) => open || markRead()}>
      <Badge count={unread} size="small">
        <Button type="text" icon={<BellOutlined />} aria-label={`通知（${unread} 条未读）`} />
      </Badge>
    </Popover>
  );
}
