/**
 * The documents a drafter created or opened in this browser, with the reviews they started. The
 * contract has no "list my documents" call; a document can always be opened by its id as well.
 */
const key = (sub: string) => `console.documents.${sub}`;

export interface MyDocument {
  id: string;
  reviewIds: string[];
}

export function myDocuments(sub: string): MyDocument[] {
  try {
    return JSON.parse(localStorage.getItem(key(sub)) ?? '[]') as MyDocument[];
  } catch {
    return [];
  }
}

export function rememberDocument(sub: string, id: string, reviewId?: string): void {
  const list = myDocuments(sub);
  let entry = list.find((d) => d.id === id);
  if (!entry) {
    entry = { id, reviewIds: [] };
    list.unshift(entry);
  }
  if (reviewId && !entry.reviewIds.includes(reviewId)) entry.reviewIds.push(reviewId);
  localStorage.setItem(key(sub), JSON.stringify(list.slice(0, 200)));
}
