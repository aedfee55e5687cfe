/**
 * The written record of a review, as official documents: the legality review opinion
 * (合法性审核意见书) issued when a review closes with a verdict or a return, and the revision letter
 * (修改意见书) issued with each request for changes: what each says, built once from the review's
 * log and store (store/records.ts freezes it with its page, records/pages.ts). Pure code.
 */
import {
  REGIONS,
  type ActorRef,
  type CheckInput,
  type CommentRecord,
  type Conclusion,
  type ConsultationStatus,
  type DispositionStatus,
  type ExtensionStatus,
  type MaterialKey,
  type Region,
  type ReturnGrounds,
  type Severity,
} from './model';
import type { ReviewOffices } from './offices';
import type { ReviewProjection } from './projection';
import type { NewEvent } from './review-log';

/** The checklist items as the record names them (the opinion's `label`). */
export const CHECK_ZH: Record<string, string> = {
  authority: '制定主体',
  competence: '权限',
  content: '内容',
  procedure: '程序',
  form: '形式',
  fair_competition: '公平竞争审查',
  regional_consistency: '与京津冀协同事项的一致性',
};
export const NO_RESPONSE_NOTE = 'No answer within the consultation deadline: counted as no objection.';

/** What a written record is built from: the review as its log left it, and what the store holds. */
export interface RecordSources {
  review: ReviewProjection;
  /** The review's whole log, in order. */
  events: readonly NewEvent[];
  /** The version reviewed, as it was then: its title, type, legal basis and materials. */
  version: {
    title: string;
    docType?: string;
    legalBasis?: readonly string[];
    materials?: Partial<Record<MaterialKey, unknown>>;
  } | null;
  /** Every comment of the review, with the drafter's dispositions. */
  comments: readonly CommentRecord[];
  offices: ReviewOffices;
}

/** A person as a record names them. */
export interface Person {
  sub: string;
  name?: string;
}

export interface OpinionComment {
  id: string;
  version: number;
  stage: string;
  article?: string;
  severity: Severity;
  basis?: string;
  text: string;
  author: { region: Region; role: string };
  disposition?: { status: DispositionStatus; reason?: string; at: string };
}

export interface Opinion {
  reviewId: string;
  title: string;
  /** 审核意见书编号 (e.g. 京司审〔2026〕17号). */
  number?: string;
  registrationNumber?: string;
  /** The review body that issues it. */
  issuer: string;
  /** The drafting unit it is addressed to. */
  addressee: string;
  caseOfficer?: Person;
  signer?: Person;
  /** The date of issue as GB/T 9704-2012 writes it (2026年11月27日). */
  issuedOn: string;
  /** The telephone of the issuing body for the case (附注, beside the case officer), where configured. */
  contactPhone?: string;
  /** 抄送: the review bodies of the regions consulted. */
  copyTo: string[];
  document: { id: string; title: string; org: string; region: Region; docType?: string };
  /** 审核依据: the laws and rules the document names as its basis (制定依据), and the drafter's note on them. */
  legalBasis: string[];
  legalBasisNote?: string;
  /** The drafting unit's fair-competition review conclusion (公平竞争审查结论), from its materials. */
  fairCompetitionConclusion?: string;
  version: { number: number; title?: string };
  status: 'approved' | 'rejected' | 'returned';
  dates: {
    receivedAt: string;
    materialsCompleteAt?: string;
    closedAt?: string;
    clock: { workingDaysUsed: number; limitWorkingDays: number };
    /** The periods the clock stood still while the drafter revised (计时中止). */
    clockStops: { stoppedAt: string; resumedAt?: string }[];
  };
  extensions: { workingDays: number; reason: string; status: ExtensionStatus; decidedBy?: Person; at: string }[];
  checklist: (CheckInput & { label: string })[];
  comments: OpinionComment[];
  consultations: {
    region: Region;
    /** The region's review body. */
    reviewBody: string;
    status: ConsultationStatus;
    decision?: string;
    opinion?: string;
    respondedAt?: string;
    note?: string;
  }[];
  /** How the origin body dealt with the consulted regions' comments and objections (汇总). */
  consolidation?: {
    opinion?: string;
    dispositions: { region: Region; commentId: string; status: DispositionStatus; reason?: string }[];
  };
  conclusion?: Conclusion;
  /** For a return without a verdict: why. */
  grounds?: ReturnGrounds;
  decidedBy?: ActorRef;
  decidedAt?: string;
  opinion: string;
  revisions: number;
}

export interface RevisionLetter {
  reviewId: string;
  title: string;
  round: number;
  number?: string;
  issuer: string;
  addressee: string;
  caseOfficer?: Person;
  /** As the opinion's: 2026年11月27日. */
  issuedOn: string;
  contactPhone?: string;
  document: { id: string; title: string; org: string; region: Region };
  legalBasis: string[];
  legalBasisNote?: string;
  version: number;
  /** Where the request came from: the origin review, or the consolidation of the regions' views. */
  stage: string;
  opinion?: string;
  comments: OpinionComment[];
  requestedAt: string;
}

/**
 * The date (CST) of an instant as GB/T 9704-2012 writes dates: Arabic numerals, the full year, no
 * padding (2026年11月27日).
 */
export function officialDate(iso: string): string {
  const d = new Date(Date.parse(iso) + 8 * 3_600_000);
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
}

/**
 * Article numbers in their natural order: the digit runs compare as numbers (2 before 10, 3 before
 * 3-1), the rest as text.
 */
export function compareArticleNumbers(a: string, b: string): number {
  const x = a.split(/(\d+)/);
  const y = b.split(/(\d+)/);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] === y[i]) continue;
    // split() with a capturing group puts the digit runs at the odd positions.
    if (i % 2 === 1) return Number(x[i]) - Number(y[i]) || x[i].length - y[i].length;
    return x[i] < y[i] ? -1 : 1;
  }
  return x.length - y.length;
}

/**
 * The order comments are printed in: general comments (no article) first, then by article number,
 * then as they were made (time, then id): the same order every time the record is built.
 */
export function inArticleOrder(a: CommentRecord, b: CommentRecord): number {
  if (a.article !== b.article) {
    if (a.article === undefined) return -1;
    if (b.article === undefined) return 1;
    const byArticle = compareArticleNumbers(a.article, b.article);
    if (byArticle !== 0) return byArticle;
  }
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Comments listed decision by decision, as they were made, and each decision's comments in
 * {@link inArticleOrder} (one decision's comments share their time, so time alone leaves them
 * in the order of their random ids).
 */
export function byDecisionInArticleOrder<C extends CommentRecord>(comments: readonly C[]): C[] {
  const decisions = new Map<string, C[]>();
  for (const c of comments) {
    decisions.set(c.taskId, [...(decisions.get(c.taskId) ?? []), c]);
  }
  return [...decisions.values()].flatMap((group) => group.sort(inArticleOrder));
}

/** A material of the version as text, if it has one. */
function material(version: RecordSources['version'], key: MaterialKey): string | undefined {
  const value = version?.materials?.[key];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** What the record says of the document's legal basis (审核依据). */
function legalBasisOf(version: RecordSources['version']) {
  const note = material(version, 'legalBasisNote');
  return { legalBasis: [...(version?.legalBasis ?? [])], ...(note && { legalBasisNote: note }) };
}

const person = (a: ActorRef | undefined): Person | undefined =>
  a && { sub: a.sub, ...(a.name !== undefined && { name: a.name }) };

function opinionComment(c: CommentRecord): OpinionComment {
  return {
    id: c.id,
    version: c.version,
    stage: c.stage,
    ...(c.article ? { article: c.article } : {}),
    severity: c.severity,
    ...(c.basis ? { basis: c.basis } : {}),
    text: c.text,
    author: { region: c.author.region, role: c.author.role },
    ...(c.disposition?.status ? { disposition: c.disposition } : {}),
  };
}

/** The last decision in the log on a task of one of `kinds`. */
function lastDecision(events: readonly NewEvent[], kinds: string[]) {
  const decisions = events.filter(
    (e): e is Extract<NewEvent, { type: 'task_completed' }> =>
      e.type === 'task_completed' && kinds.includes(e.data.kind),
  );
  return decisions[decisions.length - 1];
}

/**
 * 承办人: the assignee of the last completed origin-review task, as the assignment events left it
 * when it was decided; undefined when it was decided from the pool (or never reached).
 */
function assigneeOfLastOriginReview(events: readonly NewEvent[]): Person | undefined {
  const decided = lastDecision(events, ['origin_review']);
  if (!decided) return undefined;
  let assignee: Person | undefined;
  for (const e of events) {
    if (e === decided) break;
    if (e.type !== 'task_assigned' && e.type !== 'task_claimed' && e.type !== 'task_released') continue;
    if (e.data.taskId !== decided.data.taskId) continue;
    assignee = e.type === 'task_released' ? undefined : e.data.assignee;
  }
  return assignee;
}

/** Pairs each `clock_stopped` event with the `clock_resumed` that follows it. */
function clockStops(events: readonly NewEvent[]): { stoppedAt: string; resumedAt?: string }[] {
  const stops: { stoppedAt: string; resumedAt?: string }[] = [];
  for (const e of events) {
    if (e.type === 'clock_stopped') stops.push({ stoppedAt: e.at });
    const open = stops[stops.length - 1];
    if (e.type === 'clock_resumed' && open && !open.resumedAt) open.resumedAt = e.at;
  }
  return stops;
}

function defaultOpinionText(status: Opinion['status'], conclusion: Conclusion | undefined): string {
  switch (conclusion) {
    case 'legal':
      return '经审核，该文件符合合法性要求，同意按程序提请审议。';
    case 'legal_after_revision':
      return '经审核，该文件按审核意见修改后符合合法性要求，同意按程序提请审议。';
    case 'illegal':
      return '经审核，该文件存在不合法问题，不得提请审议和公布。';
    case 'returned':
      return '经审查，该文件不予审核，予以退回。';
    default:
      return status === 'approved' ? '经审核，同意按程序提请审议。' : '经审核，不同意按程序提请审议。';
  }
}

/** The opinion of a review that has closed approved, rejected or returned. */
export function buildOpinion({ review, events, version, comments, offices }: RecordSources): Opinion {
  const closing = [...events]
    .reverse()
    .find((e) => e.type === 'approved' || e.type === 'rejected' || e.type === 'returned');
  const closedAt = review.closedAt ?? review.outcome?.at ?? closing?.at ?? review.submittedAt;
  const conclusion = review.outcome?.conclusion;
  const status = review.status as Opinion['status'];
  const officer = lastDecision(events, ['origin_review', 'intake']);
  const caseOfficer = assigneeOfLastOriginReview(events) ?? person(officer?.actor);
  const consolidation = lastDecision(events, ['consolidation']);
  const authorOf = new Map(comments.map((c) => [c.id, c.author.region]));
  const closingData = closing?.data as { workingDaysUsed?: number; grounds?: ReturnGrounds } | undefined;
  const fairCompetition = material(version, 'fairCompetitionConclusion');
  return {
    reviewId: review.reviewId,
    title: '合法性审核意见书',
    ...(review.opinionNumber && { number: review.opinionNumber }),
    ...(review.registrationNumber && { registrationNumber: review.registrationNumber }),
    issuer: offices[review.originRegion].name,
    addressee: review.org,
    ...(caseOfficer && { caseOfficer }),
    ...(review.outcome?.by && { signer: person(review.outcome.by) }),
    issuedOn: officialDate(closedAt),
    ...(offices[review.originRegion].phone && { contactPhone: offices[review.originRegion].phone }),
    copyTo: REGIONS.filter((region) => review.consultations[region]).map((region) => offices[region].name),
    document: {
      id: review.documentId,
      title: version?.title ?? '',
      org: review.org,
      region: review.originRegion,
      ...(version?.docType ? { docType: version.docType } : {}),
    },
    ...legalBasisOf(version),
    ...(fairCompetition && { fairCompetitionConclusion: fairCompetition }),
    version: { number: review.version, ...(version?.title ? { title: version.title } : {}) },
    status,
    dates: {
      receivedAt: review.submittedAt,
      ...(review.acceptedAt && { materialsCompleteAt: review.acceptedAt }),
      closedAt,
      clock: {
        workingDaysUsed: closingData?.workingDaysUsed ?? 0,
        limitWorkingDays: review.clock.limitWorkingDays,
      },
      clockStops: clockStops(events),
    },
    extensions: review.extensions.map((x) => ({
      workingDays: x.workingDays,
      reason: x.reason,
      status: x.status,
      ...(x.decidedBy && { decidedBy: person(x.decidedBy) }),
      at: x.decidedAt ?? x.at,
    })),
    checklist: (review.checklist ?? []).map((c) => ({ ...c, label: CHECK_ZH[c.item] ?? c.item })),
    comments: [...comments].sort(inArticleOrder).map(opinionComment),
    consultations: REGIONS.flatMap((region) => {
      const c = review.consultations[region];
      if (!c) return [];
      return [
        {
          region,
          reviewBody: offices[region].name,
          status: c.status,
          ...(c.decision ? { decision: c.decision } : {}),
          ...(c.opinion ? { opinion: c.opinion } : {}),
          ...(c.respondedAt ? { respondedAt: c.respondedAt } : {}),
          ...(c.status === 'no_response' ? { note: NO_RESPONSE_NOTE } : {}),
        },
      ];
    }),
    ...(consolidation && {
      consolidation: {
        ...(consolidation.data.opinion !== undefined && { opinion: consolidation.data.opinion }),
        dispositions: (consolidation.data.dispositions ?? []).map((d) => ({
          region: authorOf.get(d.commentId) ?? review.originRegion,
          commentId: d.commentId,
          status: d.status,
          ...(d.reason !== undefined && { reason: d.reason }),
        })),
      },
    }),
    ...(conclusion ? { conclusion } : {}),
    ...(closingData?.grounds && { grounds: closingData.grounds }),
    ...(review.outcome?.by ? { decidedBy: review.outcome.by } : {}),
    ...(review.outcome?.at ? { decidedAt: review.outcome.at } : {}),
    opinion: review.outcome?.opinion?.trim() ? review.outcome.opinion : defaultOpinionText(status, conclusion),
    revisions: review.revisions,
  };
}

/**
 * The revision letter of round `round`: the changes asked for, addressed to the drafting unit.
 * Built when the letter is issued, so `review` and `version` are the version the changes concern.
 */
export function buildRevisionLetter(
  { review, events, version, comments, offices }: RecordSources,
  round: number,
): RevisionLetter {
  const letter = events.find(
    (e): e is Extract<NewEvent, { type: 'revision_letter' }> => e.type === 'revision_letter' && e.data.round === round,
  );
  if (!letter) throw new Error(`review ${review.reviewId} has no revision round ${round}`);
  // The request for changes is the decision recorded just before its letter.
  const request = events
    .filter(
      (e): e is Extract<NewEvent, { type: 'task_completed' }> => e.type === 'task_completed' && e.seq < letter.seq,
    )
    .pop();
  const asked = new Set((request?.data.comments ?? []).map((c) => c.id));
  // At consolidation, the consulted regions' comments on the version stand with the origin body's own.
  const consulted = (c: CommentRecord) =>
    request?.data.kind === 'consolidation' && c.stage === 'consultation' && c.version === review.version;
  return {
    reviewId: review.reviewId,
    title: '修改意见书',
    round,
    ...(letter.data.number && { number: letter.data.number }),
    issuer: offices[review.originRegion].name,
    addressee: review.org,
    ...(request?.actor && { caseOfficer: person(request.actor) }),
    issuedOn: officialDate(letter.at),
    ...(offices[review.originRegion].phone && { contactPhone: offices[review.originRegion].phone }),
    document: { id: review.documentId, title: version?.title ?? '', org: review.org, region: review.originRegion },
    ...legalBasisOf(version),
    version: review.version,
    stage: request?.data.kind ?? 'origin_review',
    ...(request?.data.opinion !== undefined && { opinion: request.data.opinion }),
    comments: comments
      .filter((c) => asked.has(c.id) || consulted(c))
      .sort(inArticleOrder)
      .map(opinionComment),
    requestedAt: letter.at,
  };
}
