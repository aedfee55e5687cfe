/**
 * The year's figures (年度统计), kept as counters that events increment as they are recorded, so
 * reading a year never scans its reviews. Pure code: which counters an event moves, in which year
 * and region, and how the counters read as the figures the API answers.
 *
 * Where an event counts: in the year (China Standard Time) of the event, and in the region whose
 * work it records: the review's origin region for the review's own steps and the drafter's
 * dispositions; the consulted region for a consultation answered or left unanswered; the region of
 * the task for the comments made in it.
 *
 * Events of the features after the review (issuance, filing, public suggestions) and of the
 * exchange (topics, guidelines) count through {@link subjectEventCounts}, named by
 * {@link courseFigureEvents} and {@link exchangeFigureEvents}.
 */
import { REGIONS, type Region } from './model';
import type { ReviewProjection } from './projection';
import type { NewEvent } from './review-log';
import { cstYear } from './register';

/** Counter names; a `wd:<n>` counter holds how many concluded reviews used n working days. */
export const COUNTERS = [
  'received',
  'accepted',
  'returnedAtIntake',
  'legal',
  'legalAfterRevision',
  'unlawful',
  'returned',
  'withdrawn',
  'concluded',
  'concludedOnTime',
  'extensions',
  'consultationsAnswered',
  'consultationsNoResponse',
  'commentsBlocking',
  'commentsAmend',
  'commentsAdvisory',
  'dispositions',
  'dispositionsAdopted',
  'filingsDue',
  'filingsFiled',
  'filingsOnTime',
  'filingsLate',
  'filingsRegistered',
  'filingsCorrections',
  'suggestionsReceived',
  'suggestionsAnswered',
  'topicsRaised',
  'topicsAnswered',
  'guidelinesAdopted',
] as const;
export type Counter = (typeof COUNTERS)[number];

/** Increments by `<year>:<region>`, then by counter (or `wd:<n>`). */
export type Increments = Map<string, Record<string, number>>;

export const figureKey = (year: number, region: Region): string => `${year}:${region}`;

function add(into: Increments, at: string, region: Region, counter: Counter | `wd:${number}`, by = 1): void {
  const key = figureKey(cstYear(at), region);
  const counts = into.get(key) ?? {};
  counts[counter] = (counts[counter] ?? 0) + by;
  into.set(key, counts);
}

/** The counters one transition of a review moves: `events` are its new events, `review` the review after them. */
export function reviewEventCounts(review: ReviewProjection, events: readonly NewEvent[]): Increments {
  const counts: Increments = new Map();
  const origin = review.originRegion;
  for (const event of events) {
    const at = event.at;
    switch (event.type) {
      case 'submitted':
        add(counts, at, origin, 'received');
        break;
      case 'accepted':
        add(counts, at, origin, 'accepted');
        break;
      case 'limit_extended':
        add(counts, at, origin, 'extensions');
        break;
      case 'consultation_expired':
        add(counts, at, event.data.region, 'consultationsNoResponse');
        break;
      case 'task_completed': {
        const { kind, region, comments, dispositions } = event.data;
        if (kind === 'consultation') add(counts, at, region, 'consultationsAnswered');
        for (const c of comments ?? []) {
          add(
            counts,
            at,
            region,
            c.severity === 'blocking'
              ? 'commentsBlocking'
              : c.severity === 'amend'
                ? 'commentsAmend'
                : 'commentsAdvisory',
          );
        }
        for (const d of dispositions ?? []) {
          add(counts, at, origin, 'dispositions');
          if (d.status === 'adopted' || d.status === 'partly_adopted') add(counts, at, origin, 'dispositionsAdopted');
        }
        break;
      }
      case 'withdrawn':
        add(counts, at, origin, 'withdrawn');
        break;
      case 'approved':
      case 'rejected':
      case 'returned': {
        const accepted = review.acceptedAt !== undefined;
        const conclusion = event.data.conclusion;
        if (event.type === 'returned') add(counts, at, origin, accepted ? 'returned' : 'returnedAtIntake');
        else if (conclusion === 'legal') add(counts, at, origin, 'legal');
        else if (conclusion === 'legal_after_revision') add(counts, at, origin, 'legalAfterRevision');
        else if (conclusion === 'illegal') add(counts, at, origin, 'unlawful');
        if (accepted) {
          // A concluded review's time, in the whole working days its opinion states: on time when
          // no more than its limit (extensions included).
          const used = event.data.workingDaysUsed ?? 0;
          add(counts, at, origin, 'concluded');
          if (used <= review.clock.limitWorkingDays) add(counts, at, origin, 'concludedOnTime');
          add(counts, at, origin, `wd:${used}`);
        }
        break;
      }
      default:
        break;
    }
  }
  return counts;
}

/**
 * An event of a subject other than a review (an issued document's course, a topic, a guideline), in
 * the figures' names: `filing_opened` (a filing falls due), `filing_submitted` (`data.onTime`),
 * `filing_registered`, `filing_correction_advised`, `suggestion_received`, `suggestion_answered`,
 * `topic_raised`, `topic_answered` (one per answering region), `guideline_adopted` (counted in
 * every region: the three adopt together). `region` is the region whose work it records.
 */
export interface SubjectEvent {
  type: string;
  at: string;
  region: Region;
  data?: { onTime?: boolean };
}

/** The counters some events of one subject move. */
export function subjectEventCounts(events: readonly SubjectEvent[]): Increments {
  const counts: Increments = new Map();
  for (const event of events) {
    const { at, region } = event;
    switch (event.type) {
      case 'filing_opened':
        add(counts, at, region, 'filingsDue');
        break;
      case 'filing_submitted':
        add(counts, at, region, 'filingsFiled');
        add(counts, at, region, event.data?.onTime === false ? 'filingsLate' : 'filingsOnTime');
        break;
      case 'filing_registered':
        add(counts, at, region, 'filingsRegistered');
        break;
      case 'filing_correction_advised':
        add(counts, at, region, 'filingsCorrections');
        break;
      case 'suggestion_received':
        add(counts, at, region, 'suggestionsReceived');
        break;
      case 'suggestion_answered':
        add(counts, at, region, 'suggestionsAnswered');
        break;
      case 'topic_raised':
        add(counts, at, region, 'topicsRaised');
        break;
      case 'topic_answered':
        add(counts, at, region, 'topicsAnswered');
        break;
      case 'guideline_adopted':
        for (const r of REGIONS) add(counts, at, r, 'guidelinesAdopted');
        break;
      default:
        break;
    }
  }
  return counts;
}

/** An event as the course and exchange logs hold it. */
interface LoggedSubjectEvent {
  type: string;
  at: string;
  data: Record<string, unknown>;
}

/**
 * The events of an issued document's course (domain/after-review.ts) that the figures count, in
 * their names: the issuance opens the filing; a filing review advising correction is a correction.
 * They count in the document's region.
 */
export function courseFigureEvents(region: Region, events: readonly LoggedSubjectEvent[]): SubjectEvent[] {
  const named = (type: string, e: LoggedSubjectEvent, data?: SubjectEvent['data']): SubjectEvent => ({
    type,
    at: e.at,
    region,
    ...(data && { data }),
  });
  return events.flatMap((e): SubjectEvent[] => {
    switch (e.type) {
      case 'issued':
        return [named('filing_opened', e)];
      case 'filing_submitted':
        return [named('filing_submitted', e, { onTime: e.data.onTime !== false })];
      case 'filing_reviewed':
        return e.data.decision === 'correction_advised' ? [named('filing_correction_advised', e)] : [];
      case 'filing_registered':
      case 'suggestion_received':
      case 'suggestion_answered':
        return [named(e.type, e)];
      default:
        return [];
    }
  });
}

/**
 * The events of a topic or a guideline (domain/exchange.ts) that the figures count: a topic raised
 * counts in the raising region, each answer in the answering region, an adoption in all three.
 */
export function exchangeFigureEvents(region: Region, events: readonly LoggedSubjectEvent[]): SubjectEvent[] {
  return events.flatMap((e): SubjectEvent[] => {
    if (e.type === 'topic_raised' || e.type === 'guideline_adopted') return [{ type: e.type, at: e.at, region }];
    if (e.type === 'task_completed' && e.data.kind === 'topic_answer') {
      return [{ type: 'topic_answered', at: e.at, region: e.data.region as Region }];
    }
    return [];
  });
}

/** The figures as `GET /v1/stats/annual` answers them. */
export interface AnnualFigures {
  year: number;
  region: Region | 'all';
  reviews: {
    received: number;
    accepted: number;
    returnedAtIntake: number;
    legal: number;
    legalAfterRevision: number;
    unlawful: number;
    returned: number;
    withdrawn: number;
    /** Share of concluded reviews that kept to their limit; null when none concluded. */
    onTimeRate: number | null;
    /** Median working days a concluded review used; null when none concluded. */
    medianWorkingDays: number | null;
    extensions: number;
  };
  consultations: { answered: number; noResponse: number };
  comments: { blocking: number; amend: number; advisory: number; adoptedRate: number | null };
  filings: { due: number; filed: number; onTime: number; late: number; registered: number; corrections: number };
  suggestions: { received: number; answered: number };
  topics: { raised: number; answered: number };
  guidelines: { adopted: number };
}

/** Adds counter sets together. */
export function sumCounts(sets: readonly Record<string, number>[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const set of sets) for (const [k, v] of Object.entries(set)) total[k] = (total[k] ?? 0) + v;
  return total;
}

/** The median of the working days the `wd:<n>` counters record. */
function medianOf(counts: Record<string, number>): number | null {
  const histogram = Object.entries(counts)
    .filter(([k, v]) => k.startsWith('wd:') && v > 0)
    .map(([k, v]) => [Number(k.slice(3)), v] as const)
    .sort((a, b) => a[0] - b[0]);
  const n = histogram.reduce((s, [, v]) => s + v, 0);
  if (n === 0) return null;
  const nth = (i: number) => {
    let seen = 0;
    for (const [days, v] of histogram) {
      seen += v;
      if (i < seen) return days;
    }
    return histogram[histogram.length - 1][0];
  };
  return n % 2 === 1 ? nth((n - 1) / 2) : (nth(n / 2 - 1) + nth(n / 2)) / 2;
}

const rate = (part: number, whole: number): number | null =>
  whole === 0 ? null : Math.round((part / whole) * 1000) / 1000;

/** The figures that counters summed over a year (and a region, or all three) give. */
export function annualFigures(year: number, region: Region | 'all', counts: Record<string, number>): AnnualFigures {
  const c = (name: Counter) => counts[name] ?? 0;
  return {
    year,
    region,
    reviews: {
      received: c('received'),
      accepted: c('accepted'),
      returnedAtIntake: c('returnedAtIntake'),
      legal: c('legal'),
      legalAfterRevision: c('legalAfterRevision'),
      unlawful: c('unlawful'),
      returned: c('returned'),
      withdrawn: c('withdrawn'),
      onTimeRate: rate(c('concludedOnTime'), c('concluded')),
      medianWorkingDays: medianOf(counts),
      extensions: c('extensions'),
    },
    consultations: { answered: c('consultationsAnswered'), noResponse: c('consultationsNoResponse') },
    comments: {
      blocking: c('commentsBlocking'),
      amend: c('commentsAmend'),
      advisory: c('commentsAdvisory'),
      adoptedRate: rate(c('dispositionsAdopted'), c('dispositions')),
    },
    filings: {
      due: c('filingsDue'),
      filed: c('filingsFiled'),
      onTime: c('filingsOnTime'),
      late: c('filingsLate'),
      registered: c('filingsRegistered'),
      corrections: c('filingsCorrections'),
    },
    suggestions: { received: c('suggestionsReceived'), answered: c('suggestionsAnswered') },
    topics: { raised: c('topicsRaised'), answered: c('topicsAnswered') },
    // A joint act counts once in each region: all three together adopted it once.
    guidelines: {
      adopted: region === 'all' ? Math.floor(c('guidelinesAdopted') / REGIONS.length) : c('guidelinesAdopted'),
    },
  };
}
