/** The person menu in the header: 委托代理 (delegate for a period). */
import { Button } from 'antd';
import { useState } from 'react';
import { DelegateDialog } from './assignment';

export default function PersonMenu() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button onClick={() => setOpen(true)}>委托代理</Button>
      {open && <DelegateDialog onClose={() => setOpen(false)} />}
    </>
  );
}
