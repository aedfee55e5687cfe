/**
 * What the header's search found (`GET /v1/search`): documents by title or by any of their numbers,
 * among those the person may open. One hit opens at once; several are listed, newest first.
 */
import { Alert, Card, Empty, Spin } from 'antd';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { api, call, type Schemas } from '../api/client';
import { errorText, REGION, REVIEW_STATUS } from '../labels';
import { hasRole, useSession } from '../session';

type Hit = Schemas['SearchHit'];

export default function Search() {
  const [params] = useSearchParams();
  const q = params.get('q')?.trim() ?? '';
  const { session } = useSession();
  const navigate = useNavigate();
  const [hits, setHits] = useState<Hit[]>();
  const [error, setError] = useState<string>();
  // Drafters land on their document's page; review bodies and supervisors on the review's.
  const onlyDrafter = !hasRole(session, 'reviewer', 'signer', 'supervisor');
  const target = (hit: Hit) =>
    onlyDrafter ? `/documents/${hit.documentId}` : `/reviews/${encodeURIComponent(hit.reviewId)}`;

  useEffect(() => {
    setHits(undefined);
    setError(undefined);
    if (!q) return;
    call(api.GET('/v1/search', { params: { query: { q, limit: 20 } } }))
      .then(({ items }) => {
        if (items.length === 1) navigate(target(items[0]), { replace: true });
        else setHits(items);
      })
      .catch((err: unknown) => setError(errorText(err)));
  }, [q]); // `target` follows the session, which a search does not change

  return (
    <Card title={`查找“${q}”`}>
      {error && <Alert type="error" message={error} showIcon />}
      {!q && <Empty description="请输入文件标题或编号" />}
      {q && !hits && !error && <Spin aria-label="查找中" />}
      {hits?.length === 0 && <Empty description="没有找到可查看的文件" />}
      {hits && hits.length > 0 && (
        <ul className="search-hits" data-testid="search-hits">
          {hits.map((hit) => (
            <li key={hit.reviewId}>
              <Link to={target(hit)}>{hit.title || '（无标题）'}</Link>
              <div className="search-hit-facts">
                {[
                  REGION[hit.region],
                  REVIEW_STATUS[hit.status],
                  hit.registrationNumber && `受理编号 ${hit.registrationNumber}`,
                  hit.opinionNumber && `意见书 ${hit.opinionNumber}`,
                  hit.documentNumber && `文号 ${hit.documentNumber}`,
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </div>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
