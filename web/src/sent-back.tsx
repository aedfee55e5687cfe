/**
 * What the drafting office is asked to do when its document comes back for 补正: which materials are
 * missing, and the reviewer's own words, read from the review's log (the request's event).
 */
import { Alert } from 'antd';
import { useEffect, useState } from 'react';
import { api, call } from './api/client';
import { MATERIAL } from './labels';

interface MaterialsRequest {
  missing: string[];
  opinion?: string;
}

/** The last request for materials in the review's log, if any. */
async function lastMaterialsRequest(reviewId: string): Promise<MaterialsRequest | undefined> {
  let found: MaterialsRequest | undefined;
  let after: number | undefined;
  for (let pages = 0; pages < 50; pages++) {
    const page = await call(
      api.GET('/v1/reviews/{reviewId}/events', {
        params: { path: { reviewId }, query: { limit: 100, ...(after !== undefined && { after }) } },
      }),
    );
    for (const event of page.items) {
      const data = event.data as { decision?: string; missing?: string[]; opinion?: string } | undefined;
      if (event.type === 'task_completed' && data?.decision === 'request_materials')
        found = { missing: data.missing ?? [], ...(data.opinion && { opinion: data.opinion }) };
    }
    if (!page.nextCursor) break;
    after = Number(page.nextCursor);
  }
  return found;
}

export function MaterialsRequestNotice({ reviewId }: { reviewId: string }) {
  const [request, setRequest] = useState<MaterialsRequest>();
  useEffect(() => {
    let current = true;
    lastMaterialsRequest(reviewId)
      .then((found) => current && setRequest(found))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [reviewId]);
  if (!request) return null;
  return (
    <Alert
      type="warning"
      showIcon
      data-testid="materials-request"
      style={{ marginBottom: 16 }}
      message={`需要补正的材料：${request.missing.map((m) => MATERIAL[m] ?? m).join('、') || '见审核意见'}`}
      description={request.opinion ? `审核意见：${request.opinion}` : undefined}
    />
  );
}
