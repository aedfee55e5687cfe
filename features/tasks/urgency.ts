/**
 * The work list by urgency (`GET /v1/tasks?sort=urgency`): overdue first, then due soonest, then by
 * arrival; tasks without a due date last. Overdue tasks are those due before now, so "overdue first,
 * then due soonest" is one ascending order of the due date: each task stores its place in that order
 * as one string (`urgencyKey`, store/models.ts), read from the index (region, role, status,
 * urgencyKey) a page at a time, each of the caller's pools in turn, and merged.
 */
import type { TaskDoc } from '../../store/models';
import { allOf, type Filter } from '../paging';
import { AppError } from '../errors';

export function encodeUrgencyCursor(key: string): string {
  return Buffer.from(JSON.stringify(['u', key]), 'utf8').toString('base64url');
}

/** The last urgency key of the page before. */
export function decodeUrgencyCursor(text: string): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && parsed[0] === 'u' && typeof parsed[1] === 'string')
      return parsed[1];
  } catch {
    // fall through
  }
  throw AppError.invalid('query.cursor', '分页位置无效，请从第一页重新查看');
}

/**
 * One page of the tasks matching `where` and any of `anyOf`, most urgent first. `find` runs one
 * query (filter, sort by the key, limit) against the task collection.
 */
export async function urgentFirst(
  find: (filter: Filter, limit: number) => Promise<TaskDoc[]>,
  anyOf: Filter[],
  where: Filter,
  limit: number,
  after: string | undefined,
): Promise<{ page: TaskDoc[]; nextCursor: string | null }> {
  const found = new Map<string, TaskDoc>();
  // The first page has no range on the key: with one, FerretDB filters and sorts in memory (seconds
  // for 10,000 open tasks) instead of reading the index in order.
  const from = after === undefined ? {} : { urgencyKey: { $gt: after } };
  for (const alternative of anyOf) {
    for (const doc of await find(allOf(alternative, where, from), limit + 1)) found.set(doc._id, doc);
  }
  const key = (doc: TaskDoc) => doc.urgencyKey ?? '';
  const sorted = [...found.values()].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const page = sorted.slice(0, limit);
  const last = page[page.length - 1];
  if (sorted.length <= limit || !last) return { page, nextCursor: null };
  return { page, nextCursor: encodeUrgencyCursor(key(last)) };
}
