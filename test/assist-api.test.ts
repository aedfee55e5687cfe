/**
 * Assistive review through HTTP on the real servers: checking a draft, the rules in force, the
 * flags stored once per version (on write, or on the first read), the task view carrying them, a
 * dismissed flag recorded with the decision, and who may read a version's flags.
 */
import request from 'supertest';
import { createApp } from '../api/app';
import { FlagsView, RulesView, TaskView } from '../api/responses';
import { flagsKey } from '../features/assist/flags';
import { versionId, type VersionFlagsDoc } from '../store/models';
import { allPass, castOf, eventually, startHarness, type Claims, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const ORG = '北京市城市管理委员会';
const people = {
  drafter: { sub: 'bj-drafter', region: 'beijing', roles: ['drafter'], org: ORG },
  otherOrg: { sub: 'bj-edu', region: 'beijing', roles: ['drafter'], org: '北京市教育委员会' },
  bjReviewer: { sub: 'bj-reviewer', region: 'beijing', roles: ['reviewer'] },
  tjReviewer: { sub: 'tj-reviewer', region: 'tianjin', roles: ['reviewer'] },
  supervisor: { sub: 'sup', region: 'hebei', roles: ['supervisor'] },
} satisfies Record<string, Claims>;
type Person = keyof typeof people;
const { get, post, task, decide, accept } = castOf(() => h, people);

/** A draft whose article 2 sets a fine and article 3 prefers local firms. */
const FINE = '违反本办法规定乱停乱放的，由区城市管理部门处五百元以上二千元以下罚款。';
const LOCAL = '本市政府采购项目优先采购本地企业生产的产品。';
const draft = {
  title: '北京市共享单车停放管理办法',
  articles: [
    { number: '1', text: '为规范共享单车停放秩序，制定本办法。' },
    { number: '2', text: FINE },
    { number: '3', text: LOCAL },
    { number: '4', text: '本办法自发布之日起施行，有效期5年。' },
  ],
  legalBasis: ['《中华人民共和国道路交通安全法》'],
  materials: { draftingExplanation: '起草说明' },
};

interface FlagBody {
  article: string;
  ruleId: string;
  category: string;
  match: { start: number; end: number; text: string };
  basis: { law: string; article: string }[];
}

const chinaToday = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

async function createDocument(who: Person = 'drafter', body: object = draft): Promise<string> {
  return (await post(who, '/v1/documents', body).expect(201)).body.id as string;
}

const storedFlags = (documentId: string, version: number) =>
  h.models.VersionFlags.find({ versionId: versionId(documentId, version) }).lean<VersionFlagsDoc[]>();

describe('POST /v1/assist/check', () => {
  test('when anyone checks a draft, each flag names its rule, words, reason and basis, with UTF-16 offsets into the article', async () => {
    // 𠮷 lies outside the Basic Multilingual Plane: two UTF-16 units, so code-point offsets would be off.
    const text = `𠮷𠮷${FINE}`;
    for (const who of ['drafter', 'bjReviewer', 'supervisor'] as const) {
      const res = await post(who, '/v1/assist/check', {
        articles: [
          { number: '1', text },
          { number: '2', text: LOCAL },
        ],
        legalBasis: ['《中华人民共和国合同法》'],
      }).expect(200);
      expect(() => FlagsView.parse(res.body)).not.toThrow();
      expect(res.body.checkedOn).toBe(chinaToday());
      const flags = res.body.flags as FlagBody[];
      const fine = flags.find((f) => f.category === 'penalty');
      expect(fine).toMatchObject({
        article: '1',
        ruleId: 'penalty.fine',
        explanation: expect.stringContaining('罚款'),
      });
      expect(fine!.match.text).toContain('罚款');
      expect(text.slice(fine!.match.start, fine!.match.end)).toBe(fine!.match.text);
      expect(fine!.match.start).toBe(text.indexOf(fine!.match.text));
      expect(fine!.basis).toContainEqual({ law: '中华人民共和国行政处罚法', article: '第十六条' });
      expect(flags).toContainEqual(expect.objectContaining({ article: '2', category: 'fair_competition' }));
      // The repealed contract law in the legal basis.
      expect(flags).toContainEqual(
        expect.objectContaining({ category: 'citation', legalBasisEntry: '《中华人民共和国合同法》' }),
      );
    }
  });

  test('when a fine is set by citing the law that sets it, no penalty flag is raised', async () => {
    const res = await post('drafter', '/v1/assist/check', {
      articles: [{ number: '1', text: '违反本办法规定的，依照《中华人民共和国道路交通安全法》的规定处罚。' }],
    }).expect(200);
    expect((res.body.flags as FlagBody[]).filter((f) => f.category === 'penalty')).toEqual([]);
  });

  test.each([
    ['no articles field', {}, 'articles'],
    ['an unknown field', { articles: [], wholeDocument: false }, 'wholeDocument'],
    ['an unknown field in an article', { articles: [{ number: '1', text: '文本', page: 3 }] }, 'articles.0.page'],
    ['an empty article number', { articles: [{ number: ' ', text: '文本' }] }, 'articles.0.number'],
    ['a legal basis that is not a list', { articles: [], legalBasis: '《行政处罚法》' }, 'legalBasis'],
    ['a $-key', { articles: [], $where: '1' }, '$where'],
  ])('when the body has %s, it is refused with 400 naming the field', async (_what, body, path) => {
    const res = await post('drafter', '/v1/assist/check', body).expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
  });

  test('without a token, the check is 401', async () => {
    const res = await request(h.app).post('/v1/assist/check').send({ articles: [] }).expect(401);
    expect(res.body.error.code).toBe('unauthenticated');
  });
});

describe('GET /v1/assist/rules', () => {
  test("the rules in force are described with their basis, under the rule set's version that checks use", async () => {
    const rules = await get('bjReviewer', '/v1/assist/rules').expect(200);
    expect(() => RulesView.parse(rules.body)).not.toThrow();
    const check = await post('drafter', '/v1/assist/check', { articles: [] }).expect(200);
    expect(rules.body.rulesVersion).toBe(check.body.rulesVersion);
    expect(rules.body.rules).toContainEqual(
      expect.objectContaining({
        id: 'penalty.fine',
        category: 'penalty',
        source: 'builtin',
        basis: expect.arrayContaining([{ law: '中华人民共和国行政处罚法', article: '第十六条' }]),
      }),
    );
    await get('bjReviewer', '/v1/assist/rules?all=1').expect(400);
  });
});

describe("a stored version's flags", () => {
  test('when a version is stored, its flags are computed and stored with it, and a read serves the stored ones', async () => {
    const documentId = await createDocument();
    // Stored by the time the creation is answered.
    const [stored] = await storedFlags(documentId, 1);
    expect(stored).toMatchObject({ checkedOn: chinaToday(), versionId: versionId(documentId, 1) });
    const read = await get('drafter', `/v1/documents/${documentId}/versions/1/flags`).expect(200);
    expect(() => FlagsView.parse(read.body)).not.toThrow();
    expect(read.body).toEqual({ rulesVersion: stored.rulesVersion, checkedOn: stored.checkedOn, flags: stored.flags });
    const fine = (read.body.flags as FlagBody[]).find((f) => f.category === 'penalty')!;
    expect(fine.article).toBe('2');
    expect(FINE.slice(fine.match.start, fine.match.end)).toBe(fine.match.text);

    // A read does not check again: what is stored is what is served.
    const marked = [{ ...stored.flags[0], explanation: '存储中的提示' }];
    await h.models.VersionFlags.updateOne({ _id: stored._id }, { $set: { flags: marked } });
    const again = await get('drafter', `/v1/documents/${documentId}/versions/1/flags`).expect(200);
    expect(again.body.flags).toEqual(marked);
    expect(await storedFlags(documentId, 1)).toHaveLength(1);
  });

  test('when a revised version is added, its own flags are stored', async () => {
    const documentId = await createDocument();
    const revised = { ...draft, articles: draft.articles.filter((a) => a.number !== '2') };
    await post('drafter', `/v1/documents/${documentId}/versions`, revised).expect(201);
    const [stored] = await storedFlags(documentId, 2);
    expect(stored.flags.map((f) => f.category)).not.toContain('penalty');
    const read = await get('drafter', `/v1/documents/${documentId}/versions/2/flags`).expect(200);
    expect(read.body.flags).toEqual(stored.flags);
  });

  test('when a version has no flags under the rules in force (stored before them), the first read computes and stores them', async () => {
    const documentId = await createDocument();
    const [current] = await storedFlags(documentId, 1);
    // As if stored under an older rule set only.
    await h.models.VersionFlags.deleteOne({ _id: current._id });
    const id = versionId(documentId, 1);
    await h.models.VersionFlags.create({
      _id: flagsKey(id, 'older-rules'),
      versionId: id,
      rulesVersion: 'older-rules',
      checkedOn: current.checkedOn,
      flags: [],
      createdAt: new Date(),
    });
    const read = await get('bjReviewer', `/v1/documents/${documentId}/versions/1/flags`).expect(404); // not involved yet
    expect(read.body.error.code).toBe('not_found');
    const mine = await get('drafter', `/v1/documents/${documentId}/versions/1/flags`).expect(200);
    expect(mine.body).toEqual({
      rulesVersion: current.rulesVersion,
      checkedOn: current.checkedOn,
      flags: current.flags,
    });
    const stored = await storedFlags(documentId, 1);
    expect(stored.map((s) => s.rulesVersion).sort()).toEqual([current.rulesVersion, 'older-rules'].sort());
  });

  test('when thirty first reads of a version arrive at once, one record is stored and every answer is the same', async () => {
    const documentId = await createDocument();
    await h.models.VersionFlags.deleteMany({ versionId: versionId(documentId, 1) });
    const answers = await Promise.all(
      Array.from({ length: 30 }, () => get('drafter', `/v1/documents/${documentId}/versions/1/flags`)),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(30).fill(200));
    for (const a of answers) expect(a.body).toEqual(answers[0].body);
    expect(await storedFlags(documentId, 1)).toHaveLength(1);
  });

  test('with ASSIST_FLAGS_ON_WRITE=false, storing a version stores no flags, and the first read does', async () => {
    const config = { ...h.config, env: { ...h.config.env, ASSIST_FLAGS_ON_WRITE: false } };
    const app = createApp({
      app: { ...h.ctx, config },
      readiness: () => Promise.resolve({ mongodb: true, temporal: true }),
    });
    const auth = { Authorization: `Bearer ${h.token(people.drafter)}` };
    const created = await request(app).post('/v1/documents').set(auth).send(draft).expect(201);
    const documentId = created.body.id as string;
    expect(await storedFlags(documentId, 1)).toEqual([]);
    const read = await request(app).get(`/v1/documents/${documentId}/versions/1/flags`).set(auth).expect(200);
    expect((read.body.flags as FlagBody[]).map((f) => f.ruleId)).toContain('penalty.fine');
    expect(await storedFlags(documentId, 1)).toHaveLength(1);
  });

  test("who may read a version's flags is who may see the document: others get 404", async () => {
    const documentId = await createDocument();
    const path = `/v1/documents/${documentId}/versions/1/flags`;
    await get('drafter', path).expect(200);
    await get('supervisor', path).expect(200);
    expect((await get('otherOrg', path).expect(404)).body.error.code).toBe('not_found');
    await get('bjReviewer', path).expect(404); // no review involves Beijing's review body yet

    const { reviewId } = (await post('drafter', `/v1/documents/${documentId}/reviews`).expect(202)).body;
    await get('bjReviewer', path).expect(200);
    // Tianjin is not consulted until the origin review approves.
    await get('tjReviewer', path).expect(404);
    await get('drafter', `/v1/documents/${documentId}/versions/9/flags`).expect(404);
    await get('drafter', `/v1/documents/${documentId}/versions/one/flags`).expect(404);
    await get('drafter', `/v1/documents/no-such-document/versions/1/flags`).expect(404);
    await accept('bjReviewer', reviewId as string);
  });
});

describe('flags on the task view and in the decision', () => {
  /** Submits a new draft, has intake accept it, and returns its open origin-review task as the reviewer reads it. */
  async function originReview() {
    const documentId = await createDocument();
    const { reviewId } = (await post('drafter', `/v1/documents/${documentId}/reviews`).expect(202)).body;
    await accept('bjReviewer', reviewId as string);
    const { id } = await task('bjReviewer', reviewId as string, 'origin_review');
    const view = await get('bjReviewer', `/v1/tasks/${encodeURIComponent(id)}`).expect(200);
    return { documentId, reviewId: reviewId as string, taskId: id, view: view.body };
  }

  test('the task view carries the flags of the version under review', async () => {
    const { documentId, view } = await originReview();
    expect(() => TaskView.parse(view)).not.toThrow();
    const versionFlags = await get('drafter', `/v1/documents/${documentId}/versions/1/flags`).expect(200);
    expect(view.flags).toEqual(versionFlags.body.flags);
    expect(view.flags).toContainEqual(expect.objectContaining({ article: '2', ruleId: 'penalty.fine' }));
    // The intake task, of the same version, carries the same flags.
    const intake = await eventually(
      async () =>
        (await h.models.Task.findOne({ documentId, kind: 'intake' }).lean<{ _id: string }>())?._id ?? undefined,
      'the intake task',
    );
    const intakeView = await get('bjReviewer', `/v1/tasks/${encodeURIComponent(intake)}`).expect(200);
    expect(intakeView.body.flags).toEqual(versionFlags.body.flags);
  });

  test("when the reviewer makes a comment of one flag and dismisses another, the dismissal is in the decision's event", async () => {
    const { reviewId, view } = await originReview();
    const flags = view.flags as (FlagBody & { explanation: string; severity: string })[];
    const fine = flags.find((f) => f.ruleId === 'penalty.fine')!;
    const local = flags.find((f) => f.category === 'fair_competition')!;
    const dismissed = { ruleId: local.ruleId, article: local.article, reason: '该条仅为鼓励性表述，已另行核实' };
    await decide('bjReviewer', reviewId, 'origin_review', {
      decision: 'request_changes',
      comments: [
        {
          article: fine.article,
          text: fine.explanation,
          severity: fine.severity,
          basis: fine.basis.map((b) => `《${b.law}》${b.article}`).join('；'),
        },
      ],
      dismissedFlags: [dismissed],
    });
    const events = (await get('supervisor', `/v1/reviews/${encodeURIComponent(reviewId)}/events?limit=100`).expect(200))
      .body.items as { type: string; data: { kind?: string; dismissedFlags?: unknown; comments?: unknown[] } }[];
    const completed = events.find((e) => e.type === 'task_completed' && e.data.kind === 'origin_review')!;
    expect(completed.data.dismissedFlags).toEqual([dismissed]);
    expect(completed.data.comments).toEqual([expect.objectContaining({ article: '2', text: fine.explanation })]);
    // Other decisions' events carry none.
    const intake = events.find((e) => e.type === 'task_completed' && e.data.kind === 'intake')!;
    expect(intake.data).not.toHaveProperty('dismissedFlags');
  });

  test('a flag never blocks a decision: a draft with a blocking flag can be approved', async () => {
    const { reviewId, view } = await originReview();
    expect(view.flags).toContainEqual(expect.objectContaining({ severity: 'blocking' }));
    const answer = await decide('bjReviewer', reviewId, 'origin_review', { decision: 'approve', checklist: allPass });
    expect(answer.review.stage).toBe('consultation');
  });

  test.each([
    ['a rule the article has no flag of', { ruleId: 'penalty.fine', article: '1' }, 'dismissedFlags.0'],
    ['an unknown rule', { ruleId: 'no.such-rule', article: '2' }, 'dismissedFlags.0'],
    ['an unknown field', { ruleId: 'penalty.fine', article: '2', by: 'x' }, 'dismissedFlags.0.by'],
  ])('when a decision dismisses %s, it is refused with 400 and nothing is decided', async (_what, dismissal, path) => {
    const { taskId } = await originReview();
    const res = await post('bjReviewer', `/v1/tasks/${encodeURIComponent(taskId)}/complete`, {
      decision: 'approve',
      checklist: allPass,
      dismissedFlags: [dismissal],
    }).expect(400);
    expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    expect((await get('bjReviewer', `/v1/tasks/${encodeURIComponent(taskId)}`).expect(200)).body.status).toBe('open');
  });

  test('an intake decision, which makes no comments, dismisses no flags', async () => {
    const documentId = await createDocument();
    const { reviewId } = (await post('drafter', `/v1/documents/${documentId}/reviews`).expect(202)).body;
    const { id } = await task('bjReviewer', reviewId as string, 'intake');
    const res = await post('bjReviewer', `/v1/tasks/${encodeURIComponent(id)}/complete`, {
      decision: 'accept',
      dismissedFlags: [{ ruleId: 'penalty.fine', article: '2' }],
    }).expect(400);
    expect(res.body.error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'dismissedFlags' })]),
    );
  });
});
