/**
 * The app's journey as an outside client runs it over HTTP: a drafting office creates a draft and
 * submits it, the Beijing reviewer approves with the seven-item checklist, Tianjin and Hebei
 * concur, the Beijing signer signs. Every person has a name of their own per journey, so the
 * per-caller rate limit never throttles the load. Also the probes of the latency figures.
 */
import { performance } from 'node:perf_hooks';
import jwt from 'jsonwebtoken';
import type { Claims } from '../../api/auth';
import { CHECK_ITEMS, type Region, type TaskKind } from '../../domain/model';
import type { Latencies } from './load';

export interface ApiTarget {
  url: string;
  /** More API processes of the same app (the cluster shape): requests go to each in turn. */
  moreUrls?: string[];
  /** The HS256 secret the API checks bearer tokens with. */
  secret: string;
}

/** How long a client waits for a task that is not listed yet before giving up. */
const TASK_WAIT_MS = 60_000;
const POLL_MS = 50;

class HttpError extends Error {}

/** A client of the API that signs its own tokens and times every request by operation. */
export class ApiClient {
  /** Times a task had to be looked up again because it was not listed yet. */
  polls = 0;
  private sent = 0;

  constructor(
    readonly target: ApiTarget,
    readonly latencies: Latencies,
  ) {}

  token(claims: Claims): string {
    return jwt.sign({ ...claims }, this.target.secret, { algorithm: 'HS256', expiresIn: '2h' });
  }

  /**
   * Sends one request as `who`; fails unless the answer has status `expect`. Its time counts under
   * `op`, and under `alsoAs` too when given (a decision by its kind).
   */
  async call<T>(
    op: string,
    who: Claims | string,
    method: 'GET' | 'POST',
    path: string,
    expect: number,
    body?: object,
    alsoAs?: string,
  ): Promise<T> {
    const started = performance.now();
    const urls = this.target.moreUrls;
    const url = urls?.length ? [this.target.url, ...urls][this.sent++ % (urls.length + 1)] : this.target.url;
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${typeof who === 'string' ? who : this.token(who)}`,
        ...(body !== undefined && { 'Content-Type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    const took = performance.now() - started;
    this.latencies.add(op, took);
    if (alsoAs !== undefined) this.latencies.add(alsoAs, took);
    if (res.status !== expect)
      throw new HttpError(`${method} ${path.replace(/\?.*/, '')}: ${res.status} ${text.slice(0, 300)}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /** The id of `who`'s open task of `kind` in the review, polling until it is listed. */
  async openTask(who: Claims, reviewId: string, kind: TaskKind): Promise<string> {
    const token = this.token(who);
    const path = `/v1/tasks?status=open&kind=${kind}&reviewId=${encodeURIComponent(reviewId)}`;
    const deadline = Date.now() + TASK_WAIT_MS;
    for (;;) {
      const { items } = await this.call<{ items: { id: string }[] }>('find task', token, 'GET', path, 200);
      if (items.length > 0) return items[0].id;
      if (Date.now() > deadline)
        throw new Error(`no open ${kind} task of ${reviewId} for ${who.sub} after ${TASK_WAIT_MS} ms`);
      this.polls++;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}

const CHECKLIST = CHECK_ITEMS.map((item) =>
  item === 'fair_competition'
    ? { item, result: 'not_applicable', note: '不涉及经营者经济活动' }
    : { item, result: 'pass' },
);

const DRAFT = {
  title: '北京市促进京津冀交通一体化若干措施',
  docType: '规范性文件',
  articles: [
    { number: '1', text: '为推进京津冀交通一体化，制定本措施。' },
    { number: '2', text: '跨区域客运线路实行信息报送。' },
    { number: '3', text: '本措施自发布之日起施行。' },
  ],
  legalBasis: ['《中华人民共和国道路运输条例》'],
  materials: { draftingExplanation: '起草目的、必要性及主要措施' },
};

/** The cast of journey `n`: names of its own, so each caller makes a handful of requests. */
function castOf(run: string, n: number) {
  const person = (role: 'drafter' | 'reviewer' | 'signer', region: Region, extra: Partial<Claims> = {}): Claims => ({
    sub: `bench-${run}-${n}-${region}-${role}`,
    region,
    roles: [role],
    ...extra,
  });
  return {
    drafter: person('drafter', 'beijing', { org: '北京市交通委员会' }),
    bjReviewer: person('reviewer', 'beijing'),
    tjReviewer: person('reviewer', 'tianjin'),
    hbReviewer: person('reviewer', 'hebei'),
    bjSigner: person('signer', 'beijing'),
  };
}

export interface JourneyHooks {
  /** Called once the review exists, with its id (the probes read reviews in progress). */
  onSubmitted?: (reviewId: string) => void;
  onClosed?: (reviewId: string) => void;
  /** Called as each of the journey's transitions (the submission, each decision) is answered. */
  onTransition?: () => void;
}

/**
 * One full journey: 1 submission and 5 decisions (the Beijing reviewer accepts the intake and
 * approves, Tianjin and Hebei concur, the signer signs), every one answered once stored.
 */
export async function appJourney(api: ApiClient, run: string, n: number, hooks: JourneyHooks = {}): Promise<void> {
  const people = castOf(run, n);
  const drafter = api.token(people.drafter);
  const doc = await api.call<{ id: string }>('create document', drafter, 'POST', '/v1/documents', 201, DRAFT);
  const submitted = await api.call<{ reviewId: string; taskId: string }>(
    'submit',
    drafter,
    'POST',
    `/v1/documents/${doc.id}/reviews`,
    202,
    {},
  );
  const { reviewId } = submitted;
  hooks.onTransition?.();
  hooks.onSubmitted?.(reviewId);
  const decide = async (who: Claims, taskId: string, body: { decision: string } & Record<string, unknown>) => {
    const answer = await api.call<{ review: { status: string; stage: string } }>(
      'decision',
      who,
      'POST',
      `/v1/tasks/${encodeURIComponent(taskId)}/complete`,
      200,
      body,
      decisionOf(body.decision),
    );
    hooks.onTransition?.();
    return answer;
  };

  // The submission answers with the intake task (受理).
  await decide(people.bjReviewer, submitted.taskId, { decision: 'accept' });
  const origin = await api.openTask(people.bjReviewer, reviewId, 'origin_review');
  await decide(people.bjReviewer, origin, { decision: 'approve', checklist: CHECKLIST });
  for (const who of [people.tjReviewer, people.hbReviewer]) {
    await decide(who, await api.openTask(who, reviewId, 'consultation'), { decision: 'concur' });
  }
  const signed = await decide(people.bjSigner, await api.openTask(people.bjSigner, reviewId, 'signoff'), {
    decision: 'sign',
  });
  if (signed.review.status !== 'approved') throw new Error(`review ${reviewId} ended ${signed.review.status}`);
  hooks.onClosed?.(reviewId);
}

/** Under what a decision's time also counts: `decision: sign`, … (the journey's decisions are all different). */
export const decisionOf = (decision: string): string => `decision: ${decision}`;

/** The journey's decisions, in order. */
export const JOURNEY_DECISIONS = ['accept', 'approve', 'concur', 'sign'].map(decisionOf);

/** A supervisor reading a review, as `GET /v1/reviews/:id`. */
export function probeReview(api: ApiClient, supervisor: string, reviewId: string): Promise<unknown> {
  return api.call('GET review', supervisor, 'GET', `/v1/reviews/${encodeURIComponent(reviewId)}`, 200);
}

/** A reviewer opening their inbox, as `GET /v1/tasks?status=open`. */
export function probeInbox(api: ApiClient, reviewer: string): Promise<unknown> {
  return api.call('inbox', reviewer, 'GET', '/v1/tasks?status=open', 200);
}
