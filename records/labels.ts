/** The words the written record prints for the engine's codes. */
import type {
  Conclusion,
  ConsultationStatus,
  DispositionStatus,
  Region,
  ReturnGrounds,
  Severity,
} from '../domain/model';

export const REGION_ZH: Record<Region, string> = { beijing: '北京市', tianjin: '天津市', hebei: '河北省' };
export const ROLE_ZH: Record<string, string> = {
  drafter: '起草单位',
  reviewer: '审核机构',
  signer: '审核机构负责人',
  supervisor: '监督人员',
};
export const RESULT_ZH: Record<string, string> = { pass: '符合', fail: '不符合', not_applicable: '不适用' };
export const SEVERITY_ZH: Record<Severity, string> = {
  blocking: '违法（必须修改）',
  amend: '应当修改',
  advisory: '建议（非合法性问题）',
};
export const STAGE_ZH: Record<string, string> = {
  intake: '受理',
  origin_review: '审核',
  revision: '修改',
  consultation: '协同征求意见',
  consolidation: '汇总',
  signoff: '签发',
};
export const DISPOSITION_ZH: Record<DispositionStatus, string> = {
  adopted: '采纳',
  partly_adopted: '部分采纳',
  not_adopted: '未采纳',
};
export const CONSULTATION_ZH: Record<ConsultationStatus, string> = {
  pending: '待答复',
  responded: '已答复',
  no_response: '逾期未答复',
};
export const DECISION_ZH: Record<string, string> = {
  concur: '无异议',
  concur_with_comments: '原则同意并提出意见',
  object: '有异议',
};
export const CONCLUSION_ZH: Record<Conclusion, string> = {
  legal: '合法',
  legal_after_revision: '修改后合法',
  illegal: '不合法',
  returned: '退回（未作合法性结论）',
};
export const GROUNDS_ZH: Record<ReturnGrounds, string> = {
  not_normative_document: '不属于行政规范性文件',
  outside_remit: '不属于本机关审核范围',
  not_ripe: '起草工作尚不成熟，不具备审核条件',
  other: '其他',
};
export const NO_RESPONSE_NOTE_ZH = '逾期未答复，视为无异议。';
