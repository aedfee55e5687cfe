/** The work list's filters: status, kind, overdue. Loaded after the list itself (WorkList.tsx). */
import { Select, Space } from 'antd';
import { KIND, TASK_STATUS } from '../labels';
import type { Filters } from './WorkList';

export default function WorkListFilters({
  filters,
  onChange,
}: {
  filters: Filters;
  onChange: (next: Partial<Filters>) => void;
}) {
  return (
    <Space wrap style={{ marginBottom: 12 }}>
      <Select
        aria-label="任务状态"
        value={filters.status}
        style={{ width: 120 }}
        onChange={(status) => onChange({ status })}
        options={Object.entries(TASK_STATUS).map(([value, label]) => ({ value, label }))}
      />
      <Select
        aria-label="任务类型"
        allowClear
        placeholder="全部类型"
        value={filters.kind}
        style={{ width: 160 }}
        onChange={(kind) => onChange({ kind })}
        options={Object.entries(KIND).map(([value, label]) => ({ value, label }))}
      />
      <Select
        aria-label="是否逾期"
        allowClear
        placeholder="逾期与否"
        value={filters.overdue}
        style={{ width: 120 }}
        onChange={(overdue) => onChange({ overdue })}
        options={[
          { value: 'true', label: '仅逾期' },
          { value: 'false', label: '未逾期' },
        ]}
      />
    </Space>
  );
}
