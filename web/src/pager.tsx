/** 上一页 / 下一页 over a cursor-paged list: the cursors of the pages seen so far, the last one shown. */
import { Button, Space } from 'antd';
import type { Dispatch, SetStateAction } from 'react';

export type Cursors = (string | undefined)[];

export function CursorPager({
  cursors,
  setCursors,
  nextCursor,
}: {
  cursors: Cursors;
  setCursors: Dispatch<SetStateAction<Cursors>>;
  nextCursor: string | null | undefined;
}) {
  return (
    <Space style={{ marginTop: 16 }}>
      <Button disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
        上一页
      </Button>
      <Button disabled={!nextCursor} onClick={() => nextCursor && setCursors((c) => [...c, nextCursor])}>
        下一页
      </Button>
    </Space>
  );
}
