/**
 * Realistic review journeys, planned in advance as the HTTP requests their people would send: who
 * creates which draft when, submits it, decides which task with which body, revises, withdraws.
 * A plan is pure data, reproducible from (seed, index); `seed.ts` plays it through the app's own
 * recording code into a store.
 *
 * Time follows the national working-day calendar (China Standard Time office hours), so deadlines,
 * reminders and expiries fall where the engine would put them.
 */
import type { Claims } from '../../api/auth';
import type { DocumentBody } from '../../features/documents/schemas';
import type { CompleteTaskBody } from '../../features/tasks/schemas';
import { NATIONAL_SCHEDULES } from '../../domain/calendar-data';
import { addWorkingDays, addWorkingDaysToDate, isWorkingDate } from '../../domain/clock';
import {
  CHECK_ITEMS,
  otherRegions,
  type CheckInput,
  type Region,
  type Severity,
  type TaskKind,
} from '../../domain/model';

/** A deterministic pseudo-random source (xoshiro128**), so that plans reproduce from their seed. */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(...seeds: number[]) {
    // Mixes any number of integers into four non-zero words of state.
    let h = 0x9e3779b9;
    const words = [0, 0, 0, 0].map((_, i) => {
      for (const s of seeds) h = Math.imul(h ^ (s + i * 0x85ebca6b), 0xc2b2ae35) ^ (h >>> 15);
      h = Math.imul(h ^ (h >>> 13), 0x27d4eb2f);
      return (h ^ (h >>> 16)) >>> 0 || 0x6d2b79f5;
    });
    [this.s0, this.s1, this.s2, this.s3] = words;
  }

  /** A float in [0, 1). */
  next(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result / 2 ** 32;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)];
  }

  /** Picks a key with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as [K, number][];
    let r = this.next() * entries.reduce((sum, [, w]) => sum + w, 0);
    for (const [key, w] of entries) if ((r -= w) < 0) return key;
    return entries[entries.length - 1][0];
  }

  /** A version-4 UUID made of this source's bits. */
  uuid(): string {
    const hex = Array.from({ length: 16 }, () => this.int(0, 255));
    hex[6] = (hex[6] & 0x0f) | 0x40;
    hex[8] = (hex[8] & 0x3f) | 0x80;
    const s = hex.map((b) => b.toString(16).padStart(2, '0')).join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** How a planned review goes; the weights are the share of each among closed reviews. */
export const JOURNEY_WEIGHTS = {
  approved: 46,
  revision: 18,
  consultationComments: 12,
  consolidationChanges: 4,
  noResponse: 5,
  returnedAtSignoff: 3,
  rejected: 7,
  returnedAtIntake: 2,
  withdrawn: 5,
} as const;
export type JourneyKind = keyof typeof JOURNEY_WEIGHTS;
export const JOURNEY_KINDS = Object.keys(JOURNEY_WEIGHTS) as JourneyKind[];

/** One request of a planned journey, at the instant it reaches the API. */
export type PlanStep =
  | { type: 'submit'; at: string; requestId: string; by: Claims }
  | {
      type: 'decide';
      at: string;
      requestId: string;
      by: Claims;
      /** The open task it decides: at most one of a kind per region is open at a time. */
      task: { kind: TaskKind; region: Region };
      body: CompleteTaskBody;
    }
  | { type: 'revise'; at: string; requestId: string; by: Claims; body: DocumentBody }
  | { type: 'withdraw'; at: string; requestId: string; by: Claims; body: { reason?: string } };

export interface ReviewPlan {
  kind: JourneyKind;
  /** The id the API gave the draft (`POST /v1/documents`); the review is `review:<documentId>:1`. */
  documentId: string;
  create: { at: string; requestId: string; by: Claims; body: DocumentBody };
  steps: PlanStep[];
  /** The ids the review hands out to new comments, in order (the workflow draws them from uuid4). */
  commentIds: string[];
}

const ORGS: Record<Region, readonly string[]> = {
  beijing: [
    '北京市交通委员会',
    '北京市生态环境局',
    '北京市市场监督管理局',
    '北京市人力资源和社会保障局',
    '北京市经济和信息化局',
    '北京市住房和城乡建设委员会',
  ],
  tianjin: [
    '天津市交通运输委员会',
    '天津市商务局',
    '天津市生态环境局',
    '天津市发展和改革委员会',
    '天津市卫生健康委员会',
  ],
  hebei: ['河北省交通运输厅', '河北省生态环境厅', '河北省商务厅', '河北省工业和信息化厅', '雄安新区管理委员会'],
};
const REGION_CODE: Record<Region, string> = { beijing: 'bj', tianjin: 'tj', hebei: 'hb' };
const NAMES = [
  '张伟',
  '王芳',
  '李娜',
  '刘洋',
  '陈静',
  '杨帆',
  '赵磊',
  '黄敏',
  '周杰',
  '吴霞',
  '徐明',
  '孙丽',
  '马骏',
  '朱琳',
];
const TOPICS = [
  '促进京津冀交通一体化',
  '规范互联网租赁自行车停放管理',
  '推进大气污染联防联控',
  '优化营商环境',
  '保障农民工工资支付',
  '推动产业协同转移',
  '加强危险货物道路运输安全管理',
  '支持雄安新区承接非首都功能疏解',
  '完善跨区域医疗费用直接结算',
  '规范建设工程招标投标活动',
];
const ARTICLE_TEXTS = [
  '为推进区域协同发展，根据有关法律法规，结合本市实际，制定本措施。',
  '本措施适用于本行政区域内的相关管理活动。',
  '市级主管部门负责统筹协调，区级部门按照职责分工做好具体实施工作。',
  '相关经营者应当依法取得营业执照，并按照规定报送经营信息。',
  '建立跨区域信息共享机制，实现监管数据互联互通。',
  '对符合条件的项目，按照有关规定给予资金支持。',
  '有关部门应当加强事中事后监管，依法查处违法行为。',
  '鼓励社会公众通过政务服务热线反映问题、提出建议。',
  '对违反本措施的行为，依照有关法律法规予以处理。',
  '本措施由市级主管部门负责解释。',
  '本措施自发布之日起施行，有效期五年。',
];
const LEGAL_BASES = [
  '《中华人民共和国道路运输条例》',
  '《中华人民共和国大气污染防治法》',
  '《优化营商环境条例》',
  '《保障农民工工资支付条例》',
  '《中华人民共和国行政许可法》',
  '《中华人民共和国招标投标法》',
  '《京津冀协同发展规划纲要》',
];
const COMMENTS: readonly { text: string; severity: Severity; basis?: string }[] = [
  {
    text: '该条设定的备案实为变相行政许可，缺乏上位法依据，应予删除。',
    severity: 'blocking',
    basis: '《中华人民共和国行政许可法》第十七条',
  },
  {
    text: '增设了上位法未规定的罚款情形，超出设定权限。',
    severity: 'blocking',
    basis: '《中华人民共和国行政处罚法》第十六条',
  },
  { text: '“有关部门”表述不明确，应列明责任主体。', severity: 'amend' },
  {
    text: '施行日期应预留必要的准备期。',
    severity: 'amend',
    basis: '《国务院办公厅关于加强行政规范性文件制定和监督管理工作的通知》',
  },
  { text: '资金支持条件应当公开、明确，避免排除外地经营者。', severity: 'amend', basis: '《公平竞争审查条例》第十条' },
  { text: '建议与天津、河北同类措施的表述保持一致。', severity: 'advisory' },
  { text: '标题可更简洁。', severity: 'advisory' },
];
const DISPOSITION_REASONS = [
  '上位法已有规定，本条仅作衔接性表述。',
  '经研究，部分采纳，保留必要的管理措施。',
  '该表述系本市惯例，已在起草说明中说明理由。',
];

/** The people of a region, as their bearer tokens name them. */
function reviewer(region: Region, rng: Random): Claims {
  const n = rng.int(1, 3);
  return {
    sub: `${REGION_CODE[region]}-reviewer-${n}`,
    name: NAMES[(n * 3 + region.length) % NAMES.length],
    region,
    roles: ['reviewer'],
  };
}
function signer(region: Region): Claims {
  return { sub: `${REGION_CODE[region]}-signer`, name: NAMES[region.length % NAMES.length], region, roles: ['signer'] };
}
function drafter(region: Region, org: string, rng: Random): Claims {
  const n = rng.int(1, 4);
  const person: Claims = {
    sub: `${REGION_CODE[region]}-${ORGS[region].indexOf(org) + 1}-drafter-${n}`,
    region,
    roles: ['drafter'],
    org,
  };
  // Not every token carries a display name.
  if (n !== 4) person.name = NAMES[(n + org.length) % NAMES.length];
  return person;
}

const CST_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
const OFFICE_OPENS = 9 * 60;
const OFFICE_CLOSES = 17 * 60 + 30;

function cstDateOf(ms: number): string {
  return new Date(ms + CST_MS).toISOString().slice(0, 10);
}

function cstMinuteOf(ms: number): number {
  return Math.floor(((ms + CST_MS) % DAY_MS) / 60_000);
}

function atCstMinute(date: string, minute: number, rng: Random): number {
  return Date.parse(`${date}T00:00:00Z`) - CST_MS + minute * 60_000 + rng.int(0, 59_999);
}

/**
 * An office-hours instant `workingDays` working days after `fromMs` (0: later the same working
 * day when there is time left, else the next working day).
 */
export function officeTimeAfter(fromMs: number, workingDays: number, rng: Random): number {
  const date = cstDateOf(fromMs);
  if (workingDays === 0) {
    const earliest = Math.max(cstMinuteOf(fromMs) + 10, OFFICE_OPENS);
    if (isWorkingDate(date) && earliest < OFFICE_CLOSES)
      return atCstMinute(date, rng.int(earliest, OFFICE_CLOSES), rng);
    workingDays = 1;
  }
  return atCstMinute(addWorkingDaysToDate(date, workingDays), rng.int(OFFICE_OPENS, OFFICE_CLOSES), rng);
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Builds the steps of one journey, keeping the little it must know: versions and comments. */
class Journey {
  readonly steps: PlanStep[] = [];
  readonly commentIds: string[] = [];
  /** The comments made so far, for the dispositions a resubmission owes. */
  private readonly comments: { id: string; version: number; severity: Severity }[] = [];
  private version = 1;
  private articleNumbers: string[];
  t: number;

  constructor(
    private readonly rng: Random,
    readonly origin: Region,
    readonly author: Claims,
    private readonly body: DocumentBody,
    private readonly urgent: boolean,
    submittedAt: number,
  ) {
    this.articleNumbers = body.articles.map((a) => a.number);
    this.t = submittedAt;
    this.push({ type: 'submit', at: iso(submittedAt), requestId: rng.uuid(), by: author });
  }

  private push(step: PlanStep): void {
    this.steps.push(step);
  }

  private decide(at: number, by: Claims, kind: TaskKind, region: Region, body: CompleteTaskBody): void {
    this.push({ type: 'decide', at: iso(at), requestId: this.rng.uuid(), by, task: { kind, region }, body });
  }

  /** New comments on the version under review; their ids are the next the review hands out. */
  private newComments(count: number, pool: typeof COMMENTS = COMMENTS): NonNullable<CompleteTaskBody['comments']> {
    return Array.from({ length: count }, () => {
      const c = this.rng.pick(pool);
      const id = this.rng.uuid();
      this.commentIds.push(id);
      this.comments.push({ id, version: this.version, severity: c.severity });
      return {
        ...(this.rng.chance(0.85) && { article: this.rng.pick(this.articleNumbers) }),
        text: c.text,
        ...(c.severity !== 'advisory' || this.rng.chance(0.5) ? { severity: c.severity } : {}),
        ...(c.basis !== undefined && { basis: c.basis }),
      };
    });
  }

  private checklist(fails = 0): CheckInput[] {
    const failing = new Set<string>();
    while (failing.size < fails) failing.add(this.rng.pick(['competence', 'content', 'procedure', 'fair_competition']));
    return CHECK_ITEMS.map((item): CheckInput => {
      if (failing.has(item)) return { item, result: 'fail', note: '经审查，该项存在合法性问题，详见审核意见。' };
      if (item === 'fair_competition' && this.rng.chance(0.4))
        return { item, result: 'not_applicable', note: '不涉及市场主体经济活动' };
      return this.rng.chance(0.1) ? { item, result: 'pass', note: '已核查' } : { item, result: 'pass' };
    });
  }

  /**
   * Intake (受理): a reviewer of the origin region accepts the file as complete, the same or the next
   * working days; now and then after asking for a missing material (补正) that the drafter supplies.
   * Acceptance starts the review's clock and takes its registration number.
   */
  intake(supplement?: boolean): void {
    const drawn = this.rng.chance(0.08);
    if (supplement ?? drawn) {
      this.t = officeTimeAfter(this.t, this.rng.int(0, 2), this.rng);
      this.decide(this.t, reviewer(this.origin, this.rng), 'intake', this.origin, {
        decision: 'request_materials',
        missing: ['legalBasisNote'],
        opinion: '请补充制定依据说明。',
      });
      this.t = officeTimeAfter(this.t, this.rng.int(1, 3), this.rng);
      this.decide(this.t, this.author, 'supplement', this.origin, {
        decision: 'supplement',
        materials: { legalBasisNote: '本措施依据上位法有关规定制定，相关条款已逐条列明。' },
      });
    }
    this.t = officeTimeAfter(this.t, this.rng.int(0, 2), this.rng);
    this.decide(this.t, reviewer(this.origin, this.rng), 'intake', this.origin, { decision: 'accept' });
  }

  /** The file is sent back at intake (退回) without a verdict: not ripe for review. */
  returnAtIntake(): void {
    this.t = officeTimeAfter(this.t, this.rng.int(0, 2), this.rng);
    this.decide(this.t, reviewer(this.origin, this.rng), 'intake', this.origin, {
      decision: 'return',
      grounds: 'not_ripe',
      opinion: '起草单位尚未完成公平竞争审查和征求意见程序，起草工作尚不成熟，予以退回。',
    });
  }

  originApprove(days: [number, number]): void {
    this.t = officeTimeAfter(this.t, this.rng.int(...days), this.rng);
    this.decide(this.t, reviewer(this.origin, this.rng), 'origin_review', this.origin, {
      decision: 'approve',
      checklist: this.checklist(),
    });
  }

  originReject(): void {
    this.t = officeTimeAfter(this.t, this.rng.int(2, 6), this.rng);
    this.decide(this.t, reviewer(this.origin, this.rng), 'origin_review', this.origin, {
      decision: 'reject',
      checklist: this.checklist(this.rng.int(1, 2)),
      opinion: '该文件设定的管理措施超越制定机关权限，且缺乏上位法依据，不予通过合法性审核。',
      ...(this.rng.chance(0.5) && { comments: this.newComments(1, COMMENTS.slice(0, 2)) }),
    });
  }

  /** The origin reviewer (or consolidation, `kind`) asks for changes: a revision task opens. */
  requestChanges(kind: 'origin_review' | 'consolidation', comments: number): void {
    this.t = officeTimeAfter(this.t, this.rng.int(1, kind === 'consolidation' ? 3 : 5), this.rng);
    this.decide(this.t, reviewer(this.origin, this.rng), kind, this.origin, {
      decision: 'request_changes',
      comments: this.newComments(comments),
      ...(this.rng.chance(0.3) && { opinion: '请按审核意见修改后重新报送。' }),
    });
  }

  /** The drafter adds a revised version, then resubmits it answering the comments it owes. */
  reviseAndResubmit(): void {
    this.t = officeTimeAfter(this.t, this.rng.int(2, 8), this.rng);
    const articles = this.body.articles.map((a, i) => (i % 2 === 1 ? { ...a, text: `${a.text}（修改稿）` } : a));
    this.push({
      type: 'revise',
      at: iso(this.t),
      requestId: this.rng.uuid(),
      by: this.author,
      body: {
        ...this.body,
        articles,
        materials: { ...this.body.materials, revisionNote: `第${this.version}轮修改说明` },
      },
    });
    this.t += this.rng.int(5, 90) * 60_000;
    const owed = this.comments.filter((c) => c.version === this.version && c.severity !== 'advisory');
    const answered = [
      ...owed,
      ...this.comments.filter((c) => c.version === this.version && c.severity === 'advisory' && this.rng.chance(0.3)),
    ];
    this.decide(this.t, this.author, 'revision', this.origin, {
      decision: 'resubmit',
      dispositions: answered.map((c) => {
        const status = this.rng.weighted({ adopted: 70, partly_adopted: 20, not_adopted: 10 });
        return { commentId: c.id, status, ...(status !== 'adopted' && { reason: this.rng.pick(DISPOSITION_REASONS) }) };
      }),
    });
    this.version++;
  }

  /**
   * Both consulted regions answer; `answers` says how ('silent' lets the deadline pass). Returns
   * whether a consolidation follows (a comment or an objection).
   */
  consult(answers: Partial<Record<Region, 'concur' | 'concur_with_comments' | 'object' | 'silent'>> = {}): boolean {
    const opened = this.t;
    const limit = this.urgent ? 2 : 5;
    const due = addWorkingDays(new Date(opened), limit, {}).getTime();
    const replies = otherRegions(this.origin)
      .map((region) => ({
        region,
        answer: answers[region] ?? 'concur',
        at: officeTimeAfter(opened, this.rng.int(1, limit), this.rng),
      }))
      .sort((a, b) => a.at - b.at);
    let last = opened;
    for (const { region, answer, at } of replies) {
      if (answer === 'silent') {
        last = Math.max(last, due);
        continue;
      }
      const by = reviewer(region, this.rng);
      if (answer === 'concur') this.decide(at, by, 'consultation', region, { decision: 'concur' });
      else if (answer === 'object')
        this.decide(at, by, 'consultation', region, {
          decision: 'object',
          opinion: '该措施可能对本地区经营者形成区域壁垒，建议不予出台。',
        });
      else
        this.decide(at, by, 'consultation', region, {
          decision: 'concur_with_comments',
          comments: this.newComments(this.rng.int(1, 2)),
        });
      last = Math.max(last, at);
    }
    this.t = last;
    return Object.values(answers).some((a) => a === 'concur_with_comments' || a === 'object');
  }

  proceed(): void {
    this.t = officeTimeAfter(this.t, this.rng.int(1, 3), this.rng);
    this.decide(this.t, reviewer(this.origin, this.rng), 'consolidation', this.origin, {
      decision: 'proceed',
      opinion: '经研究，协同地区意见已予充分考虑，同意提请签发。',
    });
  }

  signoff(decision: 'sign' | 'return' = 'sign'): void {
    this.t = officeTimeAfter(this.t, this.rng.int(0, 3), this.rng);
    const body: CompleteTaskBody =
      decision === 'sign'
        ? { decision, ...(this.rng.chance(0.3) && { opinion: '同意。' }) }
        : { decision, opinion: '审核意见对第三条的论证不充分，请重新审核。' };
    this.decide(this.t, signer(this.origin), 'signoff', this.origin, body);
  }

  withdraw(days: [number, number]): void {
    this.t = officeTimeAfter(this.t, this.rng.int(...days), this.rng);
    this.push({
      type: 'withdraw',
      at: iso(this.t),
      requestId: this.rng.uuid(),
      by: this.author,
      body: this.rng.chance(0.7) ? { reason: '根据工作安排，暂缓出台。' } : {},
    });
  }
}

function documentBody(rng: Random, org: string): DocumentBody {
  const count = rng.int(3, 12);
  const articles = Array.from({ length: count }, (_, i) => ({
    number: String(i + 1),
    text:
      i === 0
        ? ARTICLE_TEXTS[0]
        : i === count - 1
          ? ARTICLE_TEXTS[ARTICLE_TEXTS.length - 1]
          : rng.pick(ARTICLE_TEXTS.slice(1, -1)),
  }));
  const topic = rng.pick(TOPICS);
  return {
    title: `${org}关于${topic}的若干措施`,
    ...(rng.chance(0.7) && { docType: '规范性文件' }),
    ...(rng.chance(0.4) && { summary: `为${topic}，明确职责分工、管理措施和保障机制。` }),
    articles,
    legalBasis: [rng.pick(LEGAL_BASES), ...(rng.chance(0.5) ? [rng.pick(LEGAL_BASES)] : [])].filter(
      (b, i, all) => all.indexOf(b) === i,
    ),
    materials: {
      draftingExplanation: `一、起草目的：${topic}。二、必要性：落实京津冀协同发展战略。三、主要措施：共${count}条。四、意见处理情况：已逐条研究。`,
      ...(rng.chance(0.8) && { publicConsultation: `已公开征求意见30日，收到意见${rng.int(0, 40)}条。` }),
      ...(rng.chance(0.3) && { fairCompetitionConclusion: '经公平竞争审查，未发现排除、限制竞争的内容。' }),
    },
    ...(rng.chance(0.08) && { urgent: true }),
  };
}

/**
 * Plans review number `index` of a run with `seed`, submitted at `submittedAt` (an office-hours
 * instant on a working day). `kind` forces a journey; otherwise it is drawn by its weight.
 * `supplement` forces a request for materials (补正) at intake or its absence; otherwise it is drawn (8%).
 */
export function planReview(
  seed: number,
  index: number,
  submittedAt: number,
  kind?: JourneyKind,
  { supplement }: { supplement?: boolean } = {},
): ReviewPlan {
  const rng = new Random(seed, index);
  const journeyKind = kind ?? rng.weighted(JOURNEY_WEIGHTS);
  const origin = rng.weighted({ beijing: 40, tianjin: 30, hebei: 30 });
  const org = rng.pick(ORGS[origin]);
  const author = drafter(origin, org, rng);
  const documentId = rng.uuid();
  const body = documentBody(rng, org);
  const createdAt = submittedAt - rng.int(15, 240) * 60_000;
  const j = new Journey(rng, origin, author, body, body.urgent ?? false, submittedAt);
  const [first, second] = otherRegions(origin);
  if (journeyKind === 'returnedAtIntake') j.returnAtIntake();
  else j.intake(supplement);

  switch (journeyKind) {
    case 'approved':
      j.originApprove([1, 5]);
      j.consult();
      j.signoff();
      break;
    case 'revision':
      j.requestChanges('origin_review', rng.int(1, 3));
      j.reviseAndResubmit();
      if (rng.chance(0.2)) {
        j.requestChanges('origin_review', 1);
        j.reviseAndResubmit();
      }
      j.originApprove([1, 4]);
      j.consult();
      j.signoff();
      break;
    case 'consultationComments': {
      j.originApprove([1, 5]);
      const answer = () => rng.weighted({ concur: 30, concur_with_comments: 55, object: 15 } as const);
      const answers = { [first]: answer(), [second]: rng.chance(0.5) ? answer() : 'concur_with_comments' };
      if (j.consult(answers)) j.proceed();
      j.signoff();
      break;
    }
    case 'consolidationChanges':
      j.originApprove([1, 4]);
      j.consult({ [first]: 'concur_with_comments' });
      j.requestChanges('consolidation', 1);
      j.reviseAndResubmit();
      j.originApprove([1, 3]);
      j.consult();
      j.signoff();
      break;
    case 'noResponse': {
      j.originApprove([1, 4]);
      const commented = rng.chance(0.3);
      if (j.consult({ [first]: commented ? 'concur_with_comments' : 'concur', [second]: 'silent' })) j.proceed();
      j.signoff();
      break;
    }
    case 'returnedAtSignoff':
      j.originApprove([1, 4]);
      j.consult();
      j.signoff('return');
      j.originApprove([1, 3]);
      j.consult();
      j.signoff();
      break;
    case 'rejected':
      j.originReject();
      break;
    case 'returnedAtIntake':
      break;
    case 'withdrawn':
      // Either while the origin review is under way, or instead of revising.
      if (rng.chance(0.5)) j.requestChanges('origin_review', rng.int(1, 2));
      j.withdraw([1, 4]);
      break;
  }
  return {
    kind: journeyKind,
    documentId,
    create: { at: iso(createdAt), requestId: rng.uuid(), by: author, body },
    steps: j.steps,
    commentIds: j.commentIds,
  };
}

/** The instant a plan's last request reaches the API. */
export function planEnd(plan: ReviewPlan): number {
  return Date.parse(plan.steps[plan.steps.length - 1].at);
}

/** The first day the working-day calendar knows: no review can be dated before it. */
const CALENDAR_STARTS = `${Math.min(...NATIONAL_SCHEDULES.map((s) => s.year))}-01-01`;

/**
 * Submission instants for a store's past reviews: `perWorkingDay` of them on each working day,
 * spread over office hours, going back one working day at a time from the day of `latest`.
 * Review 0 is the most recent, so a store seeded to 1,000 and then on to 50,000 grows into the past.
 */
export function submissionSchedule(latest: number, perWorkingDay: number): (index: number) => number {
  const days: string[] = [];
  let date = cstDateOf(latest);
  return (index) => {
    const day = Math.floor(index / perWorkingDay);
    while (days.length <= day) {
      while (!isWorkingDate(date)) date = previousDate(date);
      days.push(date);
      date = previousDate(date);
    }
    const slot = index % perWorkingDay;
    const minute = OFFICE_OPENS + ((slot + 0.5) * (OFFICE_CLOSES - OFFICE_OPENS)) / perWorkingDay;
    return Date.parse(`${days[day]}T00:00:00Z`) - CST_MS + Math.floor(minute * 60_000);
  };

  function previousDate(d: string): string {
    const before = cstDateOf(Date.parse(`${d}T00:00:00Z`) - CST_MS - 1);
    if (before < CALENDAR_STARTS) {
      throw new Error(`the calendar starts on ${CALENDAR_STARTS}: too many reviews for ${perWorkingDay} a working day`);
    }
    return before;
  }
}

/** Working days from the calendar's first day to the day of `latest`. */
export function workingDaysUntil(latest: number): number {
  let count = 0;
  for (
    let d = Date.parse(`${CALENDAR_STARTS}T00:00:00Z`);
    d <= Date.parse(`${cstDateOf(latest)}T00:00:00Z`);
    d += DAY_MS
  ) {
    if (isWorkingDate(new Date(d).toISOString().slice(0, 10))) count++;
  }
  return count;
}

/**
 * Plans of closed reviews `from` (inclusive) to `to`, submitted on `schedule`; a journey that
 * would still be under way at `now` is planned again as a rejection (it closes within days).
 */
export function* closedReviewPlans(
  seed: number,
  from: number,
  to: number,
  schedule: (i: number) => number,
  now: number,
): Generator<ReviewPlan> {
  for (let i = from; i < to; i++) {
    const plan = planReview(seed, i, schedule(i));
    yield planEnd(plan) < now ? plan : planReview(seed, i, schedule(i), 'rejected');
  }
}
