/**
 * The work list by urgency (`GET /v1/tasks?sort=urgency`): overdue first, then due soonest, then by
 * arrival; tasks without a due date last. Overdue tasks are those due before now, so "overdue first,
 * then due soonest" is one ascending order of `dueAt`; each of the caller's pools is read from the
 * index (region, role, status, dueAt, createdAt) a page at a time and the pools merged.
 */
import type { TaskDoc } from '../../store/models';
import { allOf, type Filter } from '../paging';
import { AppError } from '../errors';

/** A position in the urgency order: the last task's due date ('' for none), arrival and id. */
interface UrgencyCursor {
  dueAt: string;
  createdAt: string;
  id: string;
}

export function encodeUrgencyCursor(c: UrgencyCursor): string {
  return Buffer.from(JSON.stringify(['u', c.dueAt, c.createdAt, c.id]), 'utf8').toString('base64url');
}

export function decodeUrgencyCursor(text: string): UrgencyCursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 4 && parsed[0] === 'u' && parsed.every((x) => typeof x === 'string'))
      return { dueAt: parsed[1], createdAt: parsed[2], id: parsed[3] };
  } catch {
    // fall through
  }
  throw AppError.invalid('query.cursor', '分页位置无效，请从第一页重新查看');
}

/** Sorts tasks into the urgency order (the order the pages follow). */
export function byUrgency(a: TaskDoc, b: TaskDoc): number {
  const due = (t: TaskDoc) => t.dueAt ?? '\uffff';
  return (
    due(a).localeCompare(due(b)) ||
    a.createdAt.localeCompare(b.createdAt) ||
    (a._id < b._id ? -1 : a._id > b._id ? 1 : 0)
  );
}

/**
 * One page of the tasks matching `where` and any of `anyOf`, most urgent first. `find` runs one
 * query (filter, sort, limit) against the task collection.
 */
export async function urgentFirst(
  find: (filter: Filter, sort: Record<string, 1>, limit: number) => Promise<TaskDoc[]>,
  anyOf: Filter[],
  where: Filter,
  limit: number,
  cursor: UrgencyCursor | undefined,
): Promise<{ page: TaskDoc[]; nextCursor: string | null }> {
  const found = new Map<string, TaskDoc>();
  const keep = (docs: TaskDoc[]) => docs.forEach((doc) => found.set(doc._id, doc));
  const dated = cursor === undefined || cursor.dueAt !== '';
  for (const alternative of anyOf) {
    if (dated) {
      // Due-dated tasks in (dueAt, createdAt, _id) order; a string comparison leaves out tasks without one.
      const after: Filter = cursor
        ? {
            $or: [
              { dueAt: { $gt: cursor.dueAt } },
              { dueAt: cursor.dueAt, createdAt: { $gt: cursor.createdAt } },
              { dueAt: cursor.dueAt, createdAt: cursor.createdAt, _id: { $gt: cursor.id } },
            ],
          }
        : { dueAt: { $gt: '' } };
      keep(await find(allOf(alternative, where, after), { dueAt: 1, createdAt: 1, _id: 1 }, limit + 1));
    }
    // Then those without a due date, by arrival (read only when the dated ones may not fill the page).
    if (found.size <= limit) {
      const after: Filter =
        cursor && !dated
          ? {
              $or: [{ createdAt: { $gt: cursor.createdAt } }, { createdAt: cursor.createdAt, _id: { $gt: cursor.id } }],
            }
          : {};
      keep(await find(allOf(alternative, where, { dueAt: null }, after), { createdAt: 1, _id: 1 }, limit + 1));
    }
  }
  const sorted = [...found.values()].sort(byUrgency);
  const page = sorted.slice(0, limit);
  const last = page[page.length - 1];
  if (sorted.length <= limit || !last) return { page, nextCursor: null };
  return {
    page,
    nextCursor: encodeUrgencyCursor({ dueAt: last.dueAt ?? '', createdAt: last.createdAt, id: last._id }),
  };
}
