/** Chinese labels for the API's codes, and dates in China Standard Time. */
import { ApiFailure } from './api/client';
import { CODE_MESSAGE_ZH, hasHan, lastDayZh } from '../../domain/messages-zh';
// The written record's words (records/labels.ts): the console says what the record prints.
import { CONCLUSION_ZH, DECISION_ZH, DISPOSITION_ZH, GROUNDS_ZH, SEVERITY_ZH } from '../../records/labels';
import { articleLabel } from '../../records/parts';

export const REGION: Record<string, string> = { beijing: '北京', tianjin: '天津', hebei: '河北' };
export const REGION_SHORT: Record<string, string> = { beijing: '京', tianjin: '津', hebei: '冀' };
export const ROLE: Record<string, string> = {
  drafter: '起草人',
  reviewer: '审核员',
  signer: '签发人',
  supervisor: '监督员',
  admin: '管理员',
};
export const KIND: Record<string, string> = {
  intake: '受理',
  supplement: '补正材料',
  origin_review: '本地审核',
  revision: '修改',
  consultation: '协同征求意见',
  consolidation: '汇总',
  signoff: '签发',
  extension: '延期审批',
  filing: '报送备案',
  filing_registration: '备案登记',
  filing_supplement: '补充备案材料',
  filing_review: '备案审查',
  filing_correction: '报告纠正情况',
  suggestion: '答复审查建议',
  topic_answer: '研讨答复',
  guideline_adoption: '指引审议',
};
export const STAGE: Record<string, string> = {
  intake: '受理',
  origin_review: '本地审核',
  revision: '修改中',
  consultation: '协同征求意见',
  consolidation: '汇总',
  signoff: '签发',
  closed: '已办结',
};
export const REVIEW_STATUS: Record<string, string> = {
  in_review: '审核中',
  approved: '已通过',
  rejected: '不予通过',
  withdrawn: '已撤回',
  returned: '已退回',
  failed: '异常终止',
};
export const TASK_STATUS: Record<string, string> = {
  open: '待办',
  completed: '已办',
  expired: '已过期',
  cancelled: '已取消',
};
export const DOCUMENT_STATUS: Record<string, string> = {
  draft: '草稿',
  in_review: '审核中',
  approved: '已通过',
  rejected: '不予通过',
  withdrawn: '已撤回',
  returned: '已退回',
  failed: '异常终止',
  issued: '已印发',
  expired: '已失效',
  repealed: '已废止',
};
export const SEVERITY: Record<string, string> = SEVERITY_ZH;
export const SEVERITY_COLOR: Record<string, string> = { blocking: 'red', amend: 'orange', advisory: 'blue' };
export const CHECK_ITEM: [string, string][] = [
  ['authority', '制定主体'],
  ['competence', '权限'],
  ['content', '内容'],
  ['procedure', '程序'],
  ['form', '形式'],
  ['fair_competition', '公平竞争审查'],
  ['regional_consistency', '与京津冀协同事项的一致性'],
];
/** The categories of assistive-review flags (合法性预检). */
export const FLAG_CATEGORY: Record<string, string> = {
  penalty: '设定行政处罚',
  licence: '设定行政许可',
  compulsory_measure: '设定行政强制',
  fee: '违规收费',
  rights_obligations: '减损权利或增加义务',
  fair_competition: '妨碍公平竞争',
  retroactivity: '溯及既往',
  validity: '有效期',
  citation: '制定依据',
};
export const CHECK_RESULT: Record<string, string> = { pass: '通过', fail: '不通过', not_applicable: '不适用' };
export const DECISION: Record<string, string> = {
  accept: '受理',
  request_materials: '要求补正材料',
  return: '退回',
  supplement: '提交补正材料',
  approve: '通过，进入协同征求意见',
  request_changes: '要求修改',
  reject: '不予通过',
  resubmit: '重新提交',
  // A consulted region's answers, as the record prints them.
  ...DECISION_ZH,
  proceed: '汇总后报签发',
  sign: '签发',
  refuse: '不同意',
};
export const DISPOSITION: Record<string, string> = DISPOSITION_ZH;
export const CONCLUSION: Record<string, string> = CONCLUSION_ZH;
export const CONSULTATION_STATUS: Record<string, string> = {
  pending: '待答复',
  responded: '已答复',
  no_response: '逾期未答复（视为无异议）',
};
export const RETURN_GROUNDS: Record<string, string> = GROUNDS_ZH;
/** An extension request's state (延期). */
export const EXTENSION_STATUS: Record<string, string> = { requested: '待审批', approved: '已批准', refused: '未批准' };
export const MATERIAL: Record<string, string> = {
  draftingExplanation: '起草说明',
  legalBasisNote: '制定依据说明',
  consultationRecord: '征求意见及采纳情况',
  fairCompetitionConclusion: '公平竞争审查结论',
  draftingUnitLegalOpinion: '起草单位合法性意见',
  other: '其他材料',
  attachment: '附件',
};
/** The code's wording from the catalogue the API answers from (domain/messages-zh.ts). */
const ERROR_CODE: Record<string, string> = { ...CODE_MESSAGE_ZH, network: '无法连接服务器' };

/** A refusal, in Chinese: the API's own message (Chinese), or its code's wording. */
export function errorText(err: unknown): string {
  if (err instanceof ApiFailure) {
    if (err.message && hasHan(err.message)) return err.message;
    return ERROR_CODE[err.code] ?? '操作失败';
  }
  return err instanceof Error && hasHan(err.message) ? err.message : '操作失败，请稍后重试';
}

/** A limit as people say it: its last working day, "12月25日（星期五）前". */
export function dueDayText(dueAt: string | null | undefined): string {
  return dueAt ? `${lastDayZh(dueAt)}前` : '不限';
}

/** An article number as documents write it: "3" → "第三条", "12" → "第十二条" (the record's own label). */
export function articleZh(number: string | undefined): string {
  return articleLabel(number ?? '');
}

const CST = 'Asia/Shanghai';
const dateTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: CST,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});
const dateOnly = new Intl.DateTimeFormat('zh-CN', { timeZone: CST, year: 'numeric', month: '2-digit', day: '2-digit' });
const ymd = new Intl.DateTimeFormat('en-CA', { timeZone: CST, year: 'numeric', month: '2-digit', day: '2-digit' });

/** `2026/11/27 09:30` in China Standard Time. */
export function cst(iso: string | null | undefined): string {
  return iso ? dateTime.format(new Date(iso)) : '—';
}
export function cstDate(iso: string | null | undefined): string {
  return iso ? dateOnly.format(new Date(iso)) : '—';
}
/** The CST calendar date `YYYY-MM-DD` of an instant. */
export function cstDay(at: Date): string {
  return ymd.format(at);
}
