/**
 * Who handles a case, in the console: the 承办人 of a task, the head's picker of the body's people
 * (with their open tasks), claim and release buttons, and a delegation for a period.
 */
import { Alert, Button, DatePicker, Input, Modal, Select, Space } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { api, call, type PersonEntry, type Task } from './api/client';
import { errorText } from './labels';
import { hasRole, useSession } from './session';

/** The assignee's name, or 待分办 for a task in the pool. */
export function assigneeName(task: Task): string {
  return task.assignee ? (task.assignee.name ?? task.assignee.sub) : '待分办';
}

/** The region's people of `role`, with their open tasks (the head's picker and workload view). */
export function usePeople(role: 'reviewer' | 'signer', open: boolean) {
  const [people, setPeople] = useState<PersonEntry[]>([]);
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (!open) return;
    call(api.GET('/v1/people', { params: { query: { role, active: 'true', limit: 100 } } }))
      .then((page) => setPeople(page.items))
      .catch((err: unknown) => setError(errorText(err)));
  }, [role, open]);
  return { people, error };
}

/** The head assigns (分办) or reassigns (转办) a task to a person of the body, with a reason. */
export function AssignDialog({ task, onClose }: { task: Task; onClose: (changed?: Task) => void }) {
  const { people, error } = usePeople(task.role === 'signer' ? 'signer' : 'reviewer', true);
  const [assignee, setAssignee] = useState<string>();
  const [reason, setReason] = useState('');
  const [refusal, setRefusal] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    if (!assignee) return;
    setBusy(true);
    try {
      const changed = await call(
        api.POST('/v1/tasks/{taskId}/assign', {
          params: { path: { taskId: task.id! } },
          body: { assignee, ...(reason.trim() && { reason: reason.trim() }) },
        }),
      );
      onClose(changed);
    } catch (err) {
      setRefusal(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={task.assignee ? '转办' : '分办'}
      okText="确定"
      cancelText="取消"
      okButtonProps={{ disabled: !assignee, loading: busy }}
      onOk={() => void submit()}
      onCancel={() => onClose()}
    >
      {(error ?? refusal) && <Alert type="error" showIcon role="alert" message={error ?? refusal} />}
      <Space direction="vertical" style={{ width: '100%', marginTop: 8 }}>
        <label htmlFor="assignee-picker">承办人</label>
        <Select
          id="assignee-picker"
          aria-label="承办人"
          style={{ width: '100%' }}
          placeholder="选择本处人员"
          value={assignee}
          onChange={setAssignee}
          options={people.map((p) => ({
            value: p.sub,
            label: `${p.name}（在办 ${p.openTasks} 件${p.absent ? '，请假中' : ''}）`,
          }))}
        />
        <label htmlFor="assign-reason">理由（转办时填写）</label>
        <Input.TextArea id="assign-reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
      </Space>
    </Modal>
  );
}

/** On the task page: who handles it, and claim, assign or release as the caller may. */
export function AssignmentBar({ task, onChange }: { task: Task; onChange: (task: Task) => void }) {
  const { session } = useSession();
  const [assigning, setAssigning] = useState(false);
  const [error, setError] = useState<string>();
  if (task.status !== 'open') return <span data-testid="assignee">承办人：{assigneeName(task)}</span>;
  const mine = task.assignee?.sub === session.sub;
  const heads = hasRole(session, 'signer') && session.region === task.region;
  const act = (action: 'claim' | 'release') =>
    call(
      action === 'claim'
        ? api.POST('/v1/tasks/{taskId}/claim', { params: { path: { taskId: task.id! } } })
        : api.POST('/v1/tasks/{taskId}/release', { params: { path: { taskId: task.id! } }, body: {} }),
    )
      .then(onChange)
      .catch((err: unknown) => setError(errorText(err)));
  return (
    <Space wrap>
      <span data-testid="assignee">承办人：{assigneeName(task)}</span>
      {!task.assignee && <Button onClick={() => void act('claim')}>认领</Button>}
      {heads && <Button onClick={() => setAssigning(true)}>{task.assignee ? '转办' : '分办'}</Button>}
      {task.assignee && (mine || heads) && <Button onClick={() => void act('release')}>退回待分办</Button>}
      {error && <Alert type="error" showIcon role="alert" message={error} />}
      {assigning && (
        <AssignDialog
          task={task}
          onClose={(changed) => {
            setAssigning(false);
            if (changed) onChange(changed);
          }}
        />
      )}
    </Space>
  );
}

/** From the person menu: a reviewer or signer names a colleague to stand in for a period. */
export function DelegateDialog({ onClose }: { onClose: () => void }) {
  const { session } = useSession();
  const { people, error } = usePeople(hasRole(session, 'reviewer') ? 'reviewer' : 'signer', true);
  const [delegate, setDelegate] = useState<string>();
  const [period, setPeriod] = useState<[Dayjs, Dayjs]>([dayjs().startOf('day'), dayjs().add(7, 'day').startOf('day')]);
  const [reason, setReason] = useState('');
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string }>();
  const submit = async () => {
    if (!delegate) return;
    try {
      await call(
        api.POST('/v1/delegations', {
          body: {
            delegate,
            from: period[0].toISOString(),
            to: period[1].toISOString(),
            ...(reason.trim() && { reason: reason.trim() }),
          },
        }),
      );
      setOutcome({ ok: true, text: '已委托：期间分办给您的任务可由代理人办理，提醒也会发给代理人。' });
    } catch (err) {
      setOutcome({ ok: false, text: errorText(err) });
    }
  };
  return (
    <Modal open title="委托代理" okText="委托" cancelText="关闭" onOk={() => void submit()} onCancel={onClose}>
      {(error ?? outcome) && (
        <Alert
          type={outcome?.ok ? 'success' : 'error'}
          showIcon
          role="alert"
          message={error ?? outcome?.text}
          style={{ marginBottom: 8 }}
        />
      )}
      <Space direction="vertical" style={{ width: '100%' }}>
        <label htmlFor="delegate-picker">代理人</label>
        <Select
          id="delegate-picker"
          aria-label="代理人"
          style={{ width: '100%' }}
          value={delegate}
          onChange={setDelegate}
          options={people.filter((p) => p.sub !== session.sub).map((p) => ({ value: p.sub, label: p.name }))}
        />
        <label htmlFor="delegate-period">期间</label>
        <DatePicker.RangePicker
          id="delegate-period"
          showTime
          value={period}
          onChange={(v) => v?.[0] && v[1] && setPeriod([v[0], v[1]])}
        />
        <label htmlFor="delegate-reason">事由</label>
        <Input id="delegate-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
      </Space>
    </Modal>
  );
}
