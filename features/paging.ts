/**
 * Lists, newest first, with opaque cursors. Two things keep every page cheap on MongoDB and on the
 * embedded store (FerretDB, which can filter by an index but sorts in memory, and uses no index
 * for a filter nested in `$and`/`$or`):
 * - filters are merged into one flat object, so each equality reaches the index;
 * - lists that grow without bound (closed work, notifications) are read month by month, newest
 *   month first, from the `month` every such record carries: a page sorts one month's records at
 *   most, whatever the store holds.
 * A caller's alternatives (e.g. the tasks of each of their roles) are queried one by one and merged.
 */
import type { Model } from 'mongoose';
import { monthOf } from '../store/models';
import { AppError } from './errors';

export type Filter = Record<string, unknown>;

/** A position in a list sorted by (value desc, id desc), opaque to clients. */
export interface Cursor {
  value: string;
  id: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.value, c.id]), 'utf8').toString('base64url');
}

export function decodeCursor(text: string): Cursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'string' &&
      typeof parsed[1] === 'string'
    ) {
      return { value: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through
  }
  throw AppError.invalid('query.cursor', 'the cursor is not valid');
}

/**
 * Joins filters into one object. Keys that more than one filter sets (two `$or`s, say) go into an
 * `$and`; everything else stays at the top level, where the store's indexes can serve it.
 */
export function allOf(...filters: Filter[]): Filter {
  const merged: Filter = {};
  const clashes: Filter[] = [];
  for (const filter of filters) {
    for (const [key, value] of Object.entries(filter)) {
      if (key in merged) clashes.push({ [key]: value });
      else merged[key] = value;
    }
  }
  if (clashes.length > 0) merged.$and = [...((merged.$and as Filter[] | undefined) ?? []), ...clashes];
  return merged;
}

function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

export interface PageRequest<T> {
  model: Model<T>;
  /** The caller's alternatives, any of which makes a record visible (at least one). */
  anyOf: Filter[];
  /** What every record of the page must also match. */
  where: Filter;
  sortBy: { field: keyof T & string; isDate: boolean };
  limit: number;
  /** Decoded by the caller before any I/O (see {@link decodeCursor}). */
  cursor: Cursor | undefined;
  /**
   * Read month by month, from the month after `now` back to `firstMonth` (the oldest month any
   * record can have); omit for lists that are small by their filter (open work, one review's).
   */
  byMonth?: { now: Date; firstMonth: string | null };
}

export async function newestFirst<T extends { _id: string }>(
  request: PageRequest<T>,
): Promise<{ page: T[]; nextCursor: string | null }> {
  const { model, anyOf, where, sortBy, limit, cursor, byMonth } = request;
  const after = cursor ? afterCursor(sortBy.field, cursor, sortBy.isDate) : {};
  const found = new Map<string, T>();
  const read = async (month: string | undefined) => {
    for (const alternative of anyOf) {
      const docs = await model
        .find(allOf(alternative, where, month === undefined ? {} : { month }, after))
        .sort({ [sortBy.field]: -1, _id: -1 })
        .limit(limit + 1)
        .lean<T[]>();
      for (const doc of docs) found.set(doc._id, doc);
    }
  };
  if (!byMonth) {
    await read(undefined);
  } else if (byMonth.firstMonth !== null) {
    // A server clock a little behind the one that stamped a record must still find it: start a month ahead.
    let month = cursor ? monthOf(cursor.value) : nextMonth(monthOf(byMonth.now));
    for (; month >= byMonth.firstMonth && found.size <= limit; month = previousMonth(month)) await read(month);
  }
  const key = (doc: T) => {
    const value = doc[sortBy.field] as unknown as string | Date;
    return sortBy.isDate ? new Date(value).getTime() : value;
  };
  const sorted = [...found.values()].sort((a, b) =>
    key(a) === key(b) ? (a._id < b._id ? 1 : -1) : key(a) < key(b) ? 1 : -1,
  );
  const page = sorted.slice(0, limit);
  const last = page[page.length - 1];
  if (sorted.length <= limit || !last) return { page, nextCursor: null };
  const value = sortBy.isDate
    ? new Date(last[sortBy.field] as string | Date).toISOString()
    : String(last[sortBy.field]);
  return { page, nextCursor: encodeCursor({ value, id: last._id }) };
}

/**
 * The filter for "after this cursor" in a (field desc, _id desc) order. `asDate` says whether the
 * field is stored as a Date (otherwise an ISO string).
 */
function afterCursor(field: string, cursor: Cursor, asDate: boolean): Filter {
  let value: Date | string = cursor.value;
  if (asDate) {
    value = new Date(cursor.value);
    if (Number.isNaN(value.getTime())) throw AppError.invalid('query.cursor', 'the cursor is not valid');
  }
  return { $or: [{ [field]: { $lt: value } }, { [field]: value, _id: { $lt: cursor.id } }] };
}
