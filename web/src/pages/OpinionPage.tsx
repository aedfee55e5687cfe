/**
 * The 合法性审核意见书 as issued: the frozen page itself, shown and printed from the bytes whose
 * SHA-256 was recorded (see frozen-record.tsx), never rebuilt here from the JSON.
 */
import { Alert, Spin, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import { api, call, type Opinion } from '../api/client';
import { FrozenRecord } from '../frozen-record';
import { errorText } from '../labels';

export default function OpinionPage() {
  const { reviewId = '' } = useParams();
  const [opinion, setOpinion] = useState<Opinion>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    call(api.GET('/v1/reviews/{reviewId}/opinion', { params: { path: { reviewId } } }))
      .then((o) => {
        // The route also serves the page (for Accept: text/html); this asks for JSON: its number and hash.
        if (typeof o === 'string') throw new Error('意见书数据格式不正确');
        setOpinion(o);
      })
      .catch((err: unknown) => setError(errorText(err)));
  }, [reviewId]);
  const fetchPage = useCallback(
    () =>
      call(
        api.GET('/v1/reviews/{reviewId}/opinion', {
          params: { path: { reviewId } },
          headers: { Accept: 'text/html' },
          parseAs: 'arrayBuffer',
        }),
      ),
    [reviewId],
  );
  if (error) return <Alert type="error" showIcon role="alert" message={error} />;
  if (!opinion) return <Spin aria-label="加载中" />;
  const title = `合法性审核意见书${opinion.number ? ` ${opinion.number}` : ''}`;
  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 20 }} className="no-print">
        {title}
      </Typography.Title>
      <FrozenRecord title={title} recordedSha256={opinion.sha256} fetchPage={fetchPage} />
    </>
  );
}
