/**
 * The one catalogue of what a person reads when the platform refuses something: the business rules'
 * refusals, the field problems of a request that does not parse, and a Chinese wording for every
 * error code. Codes and field paths stay English (programs read them); messages are Chinese (people
 * read them). Pure: the workflow's validator, the API and the console all read it.
 */
import type { FilingStatus } from './after-review';

/** What each error code means, said to a person; the message when nothing more precise is known. */
export const CODE_MESSAGE_ZH: Record<string, string> = {
  validation_failed: '提交的内容不符合要求',
  unauthenticated: '登录已失效或凭据无效，请重新登录',
  forbidden: '无权进行此操作',
  not_found: '未找到，或无权查看',
  conflict: '当前状态下不能进行此操作',
  payload_too_large: '提交的内容过大',
  unsupported_media_type: '不支持的文件或内容格式',
  idempotency_mismatch: '该请求编号已用于另一项提交，请重新提交',
  rate_limited: '请求过于频繁，请稍后再试',
  request_header_fields_too_large: '请求头过大',
  unavailable: '服务暂时不可用，请稍后重试',
  internal: '系统内部错误，请稍后重试',
  not_assignee: '此任务已分办给他人',
};

const KIND_ZH: Record<string, string> = {
  intake: '受理',
  supplement: '补正材料',
  origin_review: '审核',
  revision: '修改',
  consultation: '协同征求意见',
  consolidation: '汇总',
  signoff: '签发',
  extension: '延期审批',
};
const ROLE_ZH: Record<string, string> = {
  drafter: '起草单位',
  reviewer: '审核员',
  signer: '签发人',
  supervisor: '监督员',
};
const REGION_ZH: Record<string, string> = { beijing: '北京', tianjin: '天津', hebei: '河北' };
/** A region's name as people write it (北京), for texts composed elsewhere. */
export const regionZh = (region: string): string => REGION_ZH[region] ?? region;
const DECISION_ZH: Record<string, string> = {
  accept: '受理',
  request_materials: '要求补正',
  return: '退回',
  supplement: '提交补正材料',
  approve: '同意',
  request_changes: '要求修改',
  reject: '不予通过',
  resubmit: '提交修改稿',
  concur: '无异议',
  concur_with_comments: '原则同意并提出意见',
  object: '有异议',
  proceed: '汇总后报签',
  sign: '签发',
  refuse: '不同意',
};
const CHECK_ITEM_ZH: Record<string, string> = {
  authority: '制定主体',
  competence: '权限',
  content: '内容',
  procedure: '程序',
  form: '形式',
  fair_competition: '公平竞争',
  regional_consistency: '区域协同一致性',
};
const STATUS_ZH: Record<string, string> = {
  open: '待办',
  completed: '已办结',
  expired: '已过期',
  cancelled: '已取消',
  in_review: '审核中',
  approved: '已通过',
  rejected: '不予通过',
  returned: '已退回',
  withdrawn: '已撤回',
  fail: '不符合',
  not_applicable: '不适用',
  adopted: '采纳',
  partly_adopted: '部分采纳',
  not_adopted: '未采纳',
};
const zh = (table: Record<string, string>, code: string) => table[code] ?? code;
const list = (table: Record<string, string>, codes: readonly string[]) => codes.map((c) => zh(table, c)).join('、');

/** The business rules' refusals (domain/rules.ts), each a sentence for the person who asked. */
export const RULE_ZH = {
  notYourTask: (role: string, region: string) => `此任务由${zh(REGION_ZH, region)}的${zh(ROLE_ZH, role)}办理`,
  taskNotOpen: (status: string) => `此任务${zh(STATUS_ZH, status)}，不能再作决定`,
  taskNotInReview: '此任务不属于这件审核',
  decisionNotAllowed: (kind: string, allowed: readonly string[]) =>
    `${zh(KIND_ZH, kind)}任务只能选择：${list(DECISION_ZH, allowed)}`,
  decisionBreaksRules: '提交的决定不符合审核规则，请按各栏提示修改',
  noSuchArticle: (version: number, article: string) => `第${version}版没有第${article}条`,
  resubmissionAnswersByDispositions: '提交修改稿时，请逐条填写对审核意见的处理情况，而不是新增意见',
  noCommentsHere: (kind: string) => `${zh(KIND_ZH, kind)}任务的决定不附审核意见`,
  noFlagsHere: '此类任务的决定不处理合法性预检提示',
  checklistOnlyAtReview: '只有审核任务填写审核要点',
  dispositionsOnlyHere: '只有提交修改稿或汇总时填写处理情况',
  missingOnlyWithRequest: '只有要求补正时列明所缺材料',
  groundsOnlyWithReturn: '只有不作结论的退回需要退回理由',
  materialsOnlyWithSupplement: '只有提交补正材料时附材料',
  opinionNeeded: (decision: string) => `选择“${zh(DECISION_ZH, decision)}”时须填写意见`,
  commentNeeded: (decision: string) => `选择“${zh(DECISION_ZH, decision)}”时须至少提出一条意见`,
  groundsNeeded: '退回须选择退回理由',
  missingNeeded: '请至少列明一项需要补正的材料',
  notAssignee: (assignee: string) => `此任务已分办给${assignee}，只有承办人、其代理人或负责人可以办理`,
  reviewMaterialsOnly: '所列材料不是合法性审核所需的材料',
  missingOpinionNeeded: '请写明起草单位应当补充哪些内容',
  supplementNeeded: '请至少补充一项材料（附件另行上传）',
  checkTwice: (item: string) => `审核要点“${zh(CHECK_ITEM_ZH, item)}”重复填写`,
  checklistIncomplete: (missing: readonly string[]) => `请逐项填写审核要点，尚缺：${list(CHECK_ITEM_ZH, missing)}`,
  approvalWithFailedCheck: '有不符合的审核要点时不能同意',
  noteNeeded: (result: string) => `结果为“${zh(STATUS_ZH, result)}”时须写明说明`,
  newerVersionNeeded: (version: number) => `请先保存新的修改稿（须晚于第${version}版）再提交`,
  dispositionsMissing: (count: number) => `还有${count}条必须修改或应当修改的意见未填写处理情况`,
  unknownComment: (commentId: string) => `意见 ${commentId} 不属于这件审核`,
  commentAnsweredTwice: (commentId: string) => `意见 ${commentId} 的处理情况重复填写`,
  reasonNeeded: (status: string) => `处理情况为“${zh(STATUS_ZH, status)}”时须说明理由`,
  reviewNotInReview: (status: string) => `这件审核${zh(STATUS_ZH, status)}，不能再办理`,
  noClockBeforeAcceptance: '材料受理前审核期限尚未起算，不能申请延期',
  extensionPending: '已有一项延期申请正在审批',
  extensionTooLong: (max: number) => `延期合计不能超过${max}个工作日`,
  extensionAtMost: (left: number) => `最多还能延长${left}个工作日`,
  onlyOriginReviewerExtends: (region: string) => `只有${zh(REGION_ZH, region)}的审核员可以申请延期`,
  onlyDrafterWithdraws: '只有起草单位可以撤回送审',
  decisionBeingRecorded: '此任务的决定正在记录，请稍后查看任务',
  unsignedRequest: '决定只能经由系统提交',
  unknownVersion: '提交的修改稿版本不存在',
};

/** Problems with one field of a request (zod's issues, the request guards). */
export const FIELD_ZH = {
  unknownField: '不允许的字段',
  required: '此项必填',
  wrongType: '填写的内容类型不对',
  tooShort: (minimum: number | bigint) => (Number(minimum) <= 1 ? '此项不能为空' : `至少${minimum}个字或项`),
  tooLong: (maximum: number | bigint) => `最多${maximum}个字或项`,
  tooSmall: (minimum: number | bigint) => `不能小于${minimum}`,
  tooBig: (maximum: number | bigint) => `不能大于${maximum}`,
  notAnOption: '不是可选的值',
  badFormat: '格式不对',
  invalid: '填写的内容无效',
  malformedJson: '不是有效的 JSON',
};

/** The subset of a zod issue the catalogue reads (zod's own types are kept out of the domain). */
export interface IssueLike {
  code: string;
  input?: unknown;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  message?: string;
}

/** A zod issue said in Chinese; a schema's own message (already Chinese) is kept. */
export function issueMessageZh(issue: IssueLike): string {
  const sized = issue.origin === 'string' || issue.origin === 'array' || issue.origin === 'set';
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? FIELD_ZH.required : FIELD_ZH.wrongType;
    case 'too_small':
      return sized ? FIELD_ZH.tooShort(issue.minimum ?? 1) : FIELD_ZH.tooSmall(issue.minimum ?? 0);
    case 'too_big':
      return sized ? FIELD_ZH.tooLong(issue.maximum ?? 0) : FIELD_ZH.tooBig(issue.maximum ?? 0);
    case 'invalid_value':
    case 'invalid_enum_value':
    case 'invalid_union':
    case 'invalid_key':
      return FIELD_ZH.notAnOption;
    case 'invalid_format':
    case 'invalid_string':
      return FIELD_ZH.badFormat;
    case 'unrecognized_keys':
      return FIELD_ZH.unknownField;
    default:
      // A schema's own message: kept when Chinese, else said in the catalogue's words.
      return issue.message ? messageZh(issue.message) : FIELD_ZH.invalid;
  }
}

/** Messages still written in English elsewhere, said in Chinese (first match wins). */
const KNOWN_ZH: [RegExp, string | ((m: RegExpMatchArray) => string)][] = [
  [/^unknown field$/, FIELD_ZH.unknownField],
  [/^(\S+) not found$/, '未找到，或无权查看'],
  [/^no route /, '没有这个地址'],
  [/^no asset /, '没有这个文件'],
  [/^the request (body|query|path|headers?)? ?is not valid/, '请求的内容不符合要求，请按各栏提示修改'],
  [/^the request is not valid/, '请求的内容不符合要求，请按各栏提示修改'],
  [/^the token has expired/, '登录已过期，请重新登录'],
  [/^the token was issued in the future/, '登录凭据的签发时间晚于当前时间，请重新登录'],
  [/^the token is too old/, '登录凭据签发已久，请重新登录'],
  [/^the token lives longer/, '登录凭据的有效期过长，请重新登录'],
  [/token|Authorization header/, '登录已失效或凭据无效，请重新登录'],
  [/^article (\S+) appears twice$/, (m) => `第${m[1]}条重复`],
  [/^(\S+) appears twice$/, '重复填写'],
  [/^malformed JSON$/, FIELD_ZH.malformedJson],
  [/at most (\d+) characters/, (m) => `最多${m[1]}个字`],
  [/materials are incomplete: a drafting explanation/, '送审材料不全：须附起草说明'],
  [/already active for this document/, '这份文件已有一件审核正在进行'],
  [/^the opinion exists once/, '审核办结后才有审核意见书'],
  [/^the review is already |already closed/, '这件审核已办结或已撤回，不能再办理'],
  [/already running|already exists/, '已经存在，请勿重复提交'],
  [/no data for (\d{4})/, (m) => `尚无${m[1]}年的工作日历`],
  [/^a decision on (this )?task .*being recorded/, RULE_ZH.decisionBeingRecorded],
  [/^only supervisors/, '只有监督员可以查看'],
  [/^only a drafter/, '只有本单位的起草人可以办理'],
  [/Idempotency-Key/, CODE_MESSAGE_ZH.idempotency_mismatch],
  [/cursor is not valid/, '分页位置无效，请从第一页重新查看'],
  [/^a file may be at most (\d+) MB/, (m) => `单个文件不能超过${m[1]}MB`],
  [/^a file must be/, '文件须为 PDF、DOC、DOCX 或 OFD 格式'],
  [/multipart/, '请以表单方式上传文件'],
  [/^one of /, FIELD_ZH.notAnOption],
  [/too many requests/, CODE_MESSAGE_ZH.rate_limited],
];

/** Whether a text holds a Chinese character (a message already written for people). */
export function hasHan(text: string): boolean {
  return /\p{Script=Han}/u.test(text);
}

/**
 * `message` as a person reads it: kept when it is Chinese already, else its catalogue wording, else
 * the wording of its code. The API answers every refusal through it.
 */
export function messageZh(message: string, code?: string): string {
  if (hasHan(message)) return message;
  for (const [pattern, wording] of KNOWN_ZH) {
    const match = message.match(pattern);
    if (match) return typeof wording === 'string' ? wording : wording(match);
  }
  return CODE_MESSAGE_ZH[code ?? ''] ?? CODE_MESSAGE_ZH.validation_failed;
}

const WEEKDAY_ZH = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];
const CHINA_OFFSET_MS = 8 * 3_600_000; // China Standard Time, no daylight saving

/**
 * The last day a limit leaves, as people say it: "12月25日（星期五）". A due instant is the end of its
 * last working day (midnight after it, China time), so the day is the one just before that instant.
 */
export function lastDayZh(dueAt: string): string {
  const day = new Date(Date.parse(dueAt) - 1 + CHINA_OFFSET_MS);
  return `${day.getUTCMonth() + 1}月${day.getUTCDate()}日（${WEEKDAY_ZH[day.getUTCDay()]}）`;
}

const MATERIAL_ZH: Record<string, string> = {
  draftingExplanation: '起草说明',
  legalBasisNote: '制定依据说明',
  consultationRecord: '征求意见及采纳情况',
  fairCompetitionConclusion: '公平竞争审查结论',
  draftingUnitLegalOpinion: '起草单位合法性意见',
  other: '其他材料',
  attachment: '附件',
};
const CONCLUSION_ZH: Record<string, string> = {
  legal: '合法',
  legal_after_revision: '修改后合法',
  illegal: '不合法',
  returned: '退回（未作合法性结论）',
};
/** A notification's message is one line in the bell: long opinions are cut here. */
const NOTICE_TEXT_MAX = 600;
const cut = (text: string) => (text.length > NOTICE_TEXT_MAX ? `${text.slice(0, NOTICE_TEXT_MAX - 1)}…` : text);

/** The notifications that tell people what to do next (domain/review-log.ts raises them). */
export const NOTICE_ZH = {
  task: (kind: string, dueAt: string | null) =>
    `有一项“${zh(KIND_ZH, kind)}”任务待办理${dueAt ? `，请于${lastDayZh(dueAt)}前完成` : ''}`,
  materialsMissing: (missing: readonly string[], opinion: string | undefined, dueAt: string | null) =>
    cut(
      `送审材料需要补正，请补充：${list(MATERIAL_ZH, missing)}` +
        (opinion ? `。审核意见：${opinion}` : '') +
        (dueAt ? `。请于${lastDayZh(dueAt)}前提交` : ''),
    ),
  changesRequested: (comments: readonly { article?: string; text: string }[], opinion: string | undefined) =>
    cut(
      `送审稿需要修改，审核意见${comments.length}条：` +
        comments.map((c) => (c.article ? `第${c.article}条：${c.text}` : c.text)).join('；') +
        (opinion ? `。${opinion}` : ''),
    ),
  closed: (conclusion: string | undefined, number: string | undefined) =>
    `审核已办结，结论：${conclusion ? zh(CONCLUSION_ZH, conclusion) : '已办结'}` + (number ? `（${number}）` : ''),
  /** Deadline notices: `task` is what the work list knows of the task (absent: the whole review). */
  deadline: (
    type: 'reminder' | 'overdue' | 'escalation',
    task: { kind?: string; region?: string; documentTitle?: string; assignee?: string } | undefined,
    dueAt: string | undefined,
  ) => {
    const limit = dueAt ? `${lastDayZh(dueAt)}前` : '';
    if (!task) return `审核已超过办理期限${limit ? `（${limit}）` : ''}，已报监督`;
    const what =
      (task.documentTitle ? `《${task.documentTitle}》的` : '') +
      (task.kind ? `“${zh(KIND_ZH, task.kind)}”任务` : '一项任务') +
      (task.region ? `（${zh(REGION_ZH, task.region)}）` : '');
    if (type === 'reminder') return `${what}将于${limit}到期，请在一个工作日内办理`;
    if (type === 'overdue') return `${what}已逾期${limit ? `，期限为${limit}` : ''}`;
    return `${what}已逾期${limit ? `（期限为${limit}）` : ''}${task.assignee ? `，承办人：${task.assignee}` : ''}，已报监督`;
  },
};

/** A filing's status (domain/after-review.ts), as the console and the register's exports name it. */
export const FILING_STATUS_ZH: Record<FilingStatus, string> = {
  due: '待报备',
  submitted: '已报送，待登记',
  deferred: '暂缓登记，待补充材料',
  registered: '已登记，审查中',
  refused: '不予登记',
  no_issue: '审查无异议',
  correction_advised: '建议纠正，待报告',
  corrected: '已报告纠正情况',
};
