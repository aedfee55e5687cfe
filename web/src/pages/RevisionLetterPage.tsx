/**
 * One round's 修改意见书 as issued: the frozen page itself, shown and printed from the bytes whose
 * SHA-256 was recorded (see frozen-record.tsx).
 */
import { Alert, Spin, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import { api, call } from '../api/client';
import { FrozenRecord } from '../frozen-record';
import { errorText } from '../labels';

/** One entry of `GET /v1/reviews/:reviewId/revision-letters` (API.md, release 2; documented there, not typed). */
interface IssuedLetter {
  round: number;
  number?: string;
  issuedOn: string;
  sha256: string;
}

export default function RevisionLetterPage() {
  const { reviewId = '', round = '' } = useParams();
  const [letter, setLetter] = useState<IssuedLetter | null>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    call(api.GET('/v1/reviews/{reviewId}/revision-letters', { params: { path: { reviewId } } }))
      .then((list) => {
        const { items } = list as unknown as { items: IssuedLetter[] };
        setLetter(items.find((l) => String(l.round) === round) ?? null);
      })
      .catch((err: unknown) => setError(errorText(err)));
  }, [reviewId, round]);
  const fetchPage = useCallback(
    () =>
      call(
        api.GET('/v1/reviews/{reviewId}/revision-letters/{round}', {
          params: { path: { reviewId, round } },
          headers: { Accept: 'text/html' },
          parseAs: 'arrayBuffer',
        }),
      ),
    [reviewId, round],
  );
  if (error) return <Alert type="error" showIcon role="alert" message={error} />;
  if (letter === undefined) return <Spin aria-label="加载中" />;
  if (letter === null) return <Alert type="error" showIcon role="alert" message="未找到该轮修改意见书" />;
  const title = `修改意见书${letter.number ? ` ${letter.number}` : `（第${letter.round}轮）`}`;
  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 20 }} className="no-print">
        {title}
      </Typography.Title>
      <FrozenRecord title={title} recordedSha256={letter.sha256} fetchPage={fetchPage} />
    </>
  );
}
