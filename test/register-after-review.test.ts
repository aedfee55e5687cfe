/**
 * The register and the year's figures fed by the features after the review and by the exchange, on
 * real servers with compressed calendar days: documents issued, filed on time and late, registered,
 * advised to correct; a public suggestion answered; a topic raised and answered; a guideline
 * adopted by the three. The figures are checked against a count made here, independently, from the
 * course and exchange logs; the register row of the approving review carries the document's
 * number, publication, filing status and validity. Retried recordings count nothing twice.
 */
import request from 'supertest';
import { afterReviewActivities } from '../activities/after-review';
import { recordExchange } from '../activities/exchange';
import { courseStateQuery } from '../domain/after-review-messages';
import type { CourseState } from '../domain/after-review';
import type { ExchangeEvent } from '../domain/exchange';
import { REGIONS, type Region } from '../domain/model';
import { cstYear, type RegisterRow } from '../domain/register';
import { parseSigningKeys } from '../platform/signing';
import { afterReviewModels, type CourseEventDoc } from '../store/after-review';
import type { TopicDoc } from '../store/exchange';
import type { EventDoc } from '../store/models';
import { liveRecordingStore } from '../store/recording-store';
import { castOf, eventually, startHarness, TEST_SIGNING_KEYS, type Claims, type Harness } from './harness';
import { approvedDocument, filingReport, issuanceBody, people as afterReviewPeople } from './support/after-review';

const DAY_MS = 200;
let h: Harness;
beforeAll(async () => {
  // Filing is due 20 compressed days (4 s) after issuance: time to file on time, not long to wait for late.
  h = await startHarness({ CALENDAR_DAY_DURATION: `${DAY_MS}ms`, FILING_DAYS: '{"beijing":20}' });
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

const people = {
  ...afterReviewPeople,
  tjSigner: { sub: 'tj-signer', region: 'tianjin', roles: ['signer'] },
  hbSigner: { sub: 'hb-signer', region: 'hebei', roles: ['signer'] },
} satisfies Record<string, Claims>;
type Person = keyof typeof people;
const cast = castOf(() => h, people);
const { get, post } = cast;
const YEAR = cstYear(new Date());

/** `who`'s task of `kind` about `subjectId` (a document, topic or guideline) with `status`, once stored. */
function taskOf(who: Person, kind: string, subjectId: string, status = 'open') {
  return eventually(
    async () => {
      const items = (await get(who, `/v1/tasks?kind=${kind}&status=${status}&limit=100`).expect(200)).body.items as {
        id: string;
        documentId?: string;
        subject: { id: string };
        overdue?: boolean;
      }[];
      return items.find((t) => t.documentId === subjectId || t.subject.id === subjectId);
    },
    `a ${status} ${kind} task of ${subjectId} for ${who}`,
    30_000,
  );
}

const complete = (who: Person, taskId: string, body: object) =>
  post(who, `/v1/tasks/${taskId}/complete`, body).expect(200);

const scenario: { reviewId?: string; documentId?: string; validUntil?: string; topicId?: string } = {};

beforeAll(async () => {
  // Issued, filed at once, registered, advised to correct, the correction reported; a public suggestion answered.
  const corrected = await approvedDocument(cast, '北京市城市道路停车管理办法');
  Object.assign(scenario, corrected);
  const issued = await post('drafter', `/v1/documents/${corrected.documentId}/issuance`, issuanceBody()).expect(201);
  scenario.validUntil = issued.body.validUntil as string;
  const filingId = issued.body.filingId as string;
  const filed = await post('drafter', `/v1/documents/${corrected.documentId}/filings`, filingReport).expect(202);
  expect(filed.body.onTime).toBe(true);
  await complete('bjReviewer', (await taskOf('bjReviewer', 'filing_registration', corrected.documentId)).id, {
    decision: 'register',
  });
  await complete('bjReviewer', (await taskOf('bjReviewer', 'filing_review', corrected.documentId)).id, {
    decision: 'correction_advised',
    opinion: '第二条施行日期应当明确',
  });
  await post('drafter', `/v1/filings/${filingId}/correction-report`, { text: '已修改第二条并重新公布' }).expect(200);
  await request(h.app)
    .post('/v1/public/suggestions')
    .send({
      documentNumber: issued.body.documentNumber as string,
      text: '第二条施行日期与上位法不一致，建议审查。',
      contact: '13800000000',
    })
    .expect(201);
  await complete('bjReviewer', (await taskOf('bjReviewer', 'suggestion', corrected.documentId)).id, {
    decision: 'reply',
    opinion: '经审查，该条与上位法一致。',
  });

  // Issued and filed after its limit passed.
  const late = await approvedDocument(cast, '北京市共享单车停放管理规定');
  await post('drafter', `/v1/documents/${late.documentId}/issuance`, issuanceBody()).expect(201);
  await eventually(
    async () => ((await taskOf('drafter', 'filing', late.documentId)).overdue ? true : undefined),
    'the late filing overdue',
    30_000,
  );
  const lateFiled = await post('drafter', `/v1/documents/${late.documentId}/filings`, filingReport).expect(202);
  expect(lateFiled.body.onTime).toBe(false);

  // A topic raised in Beijing, answered by Tianjin (Hebei silent).
  const topic = (
    await post('bjReviewer', '/v1/topics', {
      title: '财政补贴能否以本地户籍为条件',
      body: '某区拟对在本区缴纳社保满三年的企业给予补贴，是否构成对外地经营者的差别待遇？',
      kind: 'practice_question',
    }).expect(201)
  ).body as { id: string };
  scenario.topicId = topic.id;
  await complete('tjReviewer', (await taskOf('tjReviewer', 'topic_answer', topic.id)).id, {
    decision: 'answer',
    opinion: '构成差别待遇',
  });

  // A guideline adopted by the three signers.
  const guideline = (
    await post('bjReviewer', '/v1/guidelines', {
      title: '关于运输补贴条件的协同审核指引',
      text: '第一条 为统一三地对运输补贴条件的审核尺度，制定本指引。',
      scope: '京津冀三地行政规范性文件合法性审核',
      basis: ['《公平竞争审查条例》第九条'],
    }).expect(202)
  ).body as { id: string };
  for (const signer of ['bjSigner', 'tjSigner', 'hbSigner'] as const) {
    await complete(signer, (await taskOf(signer, 'guideline_adoption', guideline.id)).id, { decision: 'adopt' });
  }
  await eventually(
    async () =>
      (await get('supervisor', `/v1/guidelines/${guideline.id}`).expect(200)).body.status === 'adopted'
        ? true
        : undefined,
    'the guideline adopted',
  );
}, 300_000);

type Figures = {
  filings: { due: number; filed: number; onTime: number; late: number; registered: number; corrections: number };
  suggestions: { received: number; answered: number };
  topics: { raised: number; answered: number };
  guidelines: { adopted: number };
};

/** The figures counted here from the stored logs alone, by rules written out for this test. */
async function countFromLogs(region?: Region): Promise<Figures> {
  const n: Figures = {
    filings: { due: 0, filed: 0, onTime: 0, late: 0, registered: 0, corrections: 0 },
    suggestions: { received: 0, answered: 0 },
    topics: { raised: 0, answered: 0 },
    guidelines: { adopted: 0 },
  };
  const mine = (r: unknown) => region === undefined || r === region;
  const { CourseEvent } = await afterReviewModels(h.models);
  const course = await CourseEvent.find({}).lean<CourseEventDoc[]>();
  const regionOf = new Map(course.filter((e) => e.type === 'issued').map((e) => [e.documentId, e.data.region]));
  for (const e of course) {
    if (cstYear(e.at) !== YEAR || !mine(regionOf.get(e.documentId))) continue;
    if (e.type === 'issued') n.filings.due++;
    if (e.type === 'filing_submitted') {
      n.filings.filed++;
      if (e.data.onTime) n.filings.onTime++;
      else n.filings.late++;
    }
    if (e.type === 'filing_registered') n.filings.registered++;
    if (e.type === 'filing_reviewed' && e.data.decision === 'correction_advised') n.filings.corrections++;
    if (e.type === 'suggestion_received') n.suggestions.received++;
    if (e.type === 'suggestion_answered') n.suggestions.answered++;
  }
  // The exchange's logs hold events of their own kinds beside the review log's.
  const exchange = await h.models.Event.find({ reviewId: /^(topic|guideline)-/ }).lean<
    (Omit<EventDoc, 'type'> & { type: string })[]
  >();
  for (const e of exchange) {
    if (cstYear(e.at) !== YEAR) continue;
    const data = e.data as Record<string, unknown>;
    if (e.type === 'topic_raised' && mine((data.topic as { region: string }).region)) n.topics.raised++;
    if (e.type === 'task_completed' && data.kind === 'topic_answer' && mine(data.region)) n.topics.answered++;
    // Adopted by the three together: one guideline in each region's figures, and one in all three's.
    if (e.type === 'guideline_adopted') n.guidelines.adopted++;
  }
  return n;
}

const figures = async (region?: Region) =>
  (await get('supervisor', `/v1/stats/annual?year=${YEAR}${region ? `&region=${region}` : ''}`).expect(200))
    .body as Figures;

test("the year's figures of filings, suggestions, topics and guidelines equal a count made from the logs", async () => {
  for (const region of [undefined, ...REGIONS]) {
    const counted = await countFromLogs(region);
    const read = await figures(region);
    expect(read).toMatchObject({ region: region ?? 'all', ...counted });
  }
  // The scenario is not empty: the figures have something to agree on.
  expect(await countFromLogs('beijing')).toEqual({
    filings: { due: 2, filed: 2, onTime: 1, late: 1, registered: 1, corrections: 1 },
    suggestions: { received: 1, answered: 1 },
    topics: { raised: 1, answered: 0 },
    guidelines: { adopted: 1 },
  });
  expect((await countFromLogs('tianjin')).topics).toEqual({ raised: 0, answered: 1 });
}, 60_000);

test("the approving review's register row carries the document number, publication, filing status and validity", async () => {
  const rows = (await get('supervisor', `/v1/register?year=${YEAR}&region=beijing&limit=100`).expect(200)).body
    .items as RegisterRow[];
  const row = rows.find((r) => r.reviewId === scenario.reviewId)!;
  const doc = (await get('drafter', `/v1/documents/${scenario.documentId}`).expect(200)).body;
  expect(row).toMatchObject({
    documentNumber: doc.issuance.documentNumber,
    publishedOn: '2027-03-02',
    filingStatus: 'corrected',
    validUntil: scenario.validUntil,
  });
  const csv = (
    await get('supervisor', `/v1/register?year=${YEAR}&region=beijing`).set('Accept', 'text/csv').expect(200)
  ).text;
  expect(csv).toContain(`${doc.issuance.documentNumber as string},2027-03-02,已报告纠正情况,${scenario.validUntil}`);
  // A review that did not lead to an issued document has none of these columns.
  expect(rows.filter((r) => r.documentNumber === undefined)).toEqual([]);
  expect(rows).toHaveLength(2);
}, 60_000);

test('recordings retried after they were stored count nothing twice and move no row back', async () => {
  const before = await Promise.all([undefined, ...REGIONS].map((r) => figures(r)));

  // The filing's submission step of the first document, recorded again ten times at once, with its state then.
  const workflowId = `after-review:${scenario.documentId}`;
  const now = await h.client.workflow.getHandle(workflowId).query(courseStateQuery);
  const { CourseEvent } = await afterReviewModels(h.models);
  const log = (await CourseEvent.find({ documentId: scenario.documentId }).lean<CourseEventDoc[]>()).sort(
    (a, b) => a.seq - b.seq,
  );
  const submitted = log.findIndex((e) => e.type === 'filing_submitted');
  const step = log.slice(submitted - 1, submitted + 2); // task completed, filing submitted, registration opened
  expect(step.map((e) => e.type)).toEqual(['task_completed', 'filing_submitted', 'task_opened']);
  const stateThen: CourseState = {
    ...now,
    filing: { ...now.filing, status: 'submitted' },
    lastSeq: step[step.length - 1].seq,
  };
  const events = step.map(({ _id, documentId: _d, prevHash: _p, hash: _h, ...e }) => e);
  const signingKeys = parseSigningKeys(TEST_SIGNING_KEYS);
  const { recordAfterReview } = afterReviewActivities({ models: h.models, signingKeys });
  await Promise.all(
    Array.from({ length: 10 }, () =>
      recordAfterReview({ workflowId, prevHash: step[0].prevHash, events, state: stateThen }),
    ),
  );

  // The topic's answer, recorded again ten times at once.
  const topicLog = (await h.models.Event.find({ reviewId: scenario.topicId }).lean<EventDoc[]>()).sort(
    (a, b) => a.seq - b.seq,
  );
  const answer = topicLog.findIndex((e) => e.type === 'task_completed');
  const { _id, ...topic } = (await h.models.Topic.findById(scenario.topicId).lean<TopicDoc>())!;
  const store = liveRecordingStore(h.models);
  await Promise.all(
    Array.from({ length: 10 }, () =>
      recordExchange(h.models, store, signingKeys, {
        workflowId: scenario.topicId!,
        prevHash: topicLog[answer].prevHash,
        events: [topicLog[answer]].map(
          ({ _id: _i, reviewId: _r, prevHash: _p, hash: _h, ...e }) => e as unknown as ExchangeEvent,
        ),
        tasks: [],
        topic: { id: _id, ...topic },
      }),
    ),
  );

  expect(await Promise.all([undefined, ...REGIONS].map((r) => figures(r)))).toEqual(before);
  const rows = (await get('supervisor', `/v1/register?year=${YEAR}&region=beijing&limit=100`).expect(200)).body
    .items as RegisterRow[];
  expect(rows.find((r) => r.reviewId === scenario.reviewId)?.filingStatus).toBe('corrected');
}, 60_000);
