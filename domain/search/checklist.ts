/**
 * Which of the seven checklist items a review comment is about, for the precedent library's
 * `checklistItem` filter. A comment names no item of its own (API.md: `{ article?, text,
 * severity?, basis? }`), so the library reads it from the comment's words and the law it cites.
 * A comment that does carry an item (e.g. one made from an assistive-review flag) keeps its own.
 * `npm run measure:precedents` prints how often this agrees with the labelled set.
 */
import type { CheckItem } from '../model';

/**
 * Signals of each item, strongest first. A cited law is a strong signal (the basis is usually the
 * clause that decides the item: 行政处罚法 for a fine, 公平竞争审查条例 for a local-firm subsidy);
 * words of the text are weaker.
 */
const SIGNALS: Record<CheckItem, { basis: RegExp; text: RegExp }> = {
  authority: {
    basis: /规范性文件制定主体|制定主体/,
    text: /制定主体|内设机构|议事协调机构|临时机构|派出机构|发文主体|联合发文|不具有.{0,6}制定|无权制定|以.{0,8}名义(印发|发布|制定)/,
  },
  competence: {
    basis: /行政处罚法|行政许可法|行政强制法|立法法.{0,4}第(八十|九十|一百)/,
    text: /罚款|没收|吊销|责令停产停业|行政处罚|处罚|行政许可|许可|审批|核准|查封|扣押|冻结|强制|超越.{0,2}职权|超出.{0,4}权限|设定权|上位法.{0,6}(不一致|相抵触|冲突|更严|严于)|严于国家|失信惩戒|黑名单/,
  },
  procedure: {
    basis: /重大行政决策|征求意见|程序/,
    text: /征求意见|公开征求|意见采纳|集体讨论|集体审议|常务会议|专家论证|风险评估|听证|起草说明|(未|尚未|没有)(进行|开展|提交|经过?).{0,6}审查|审查(程序|结论|表)|送审|报送|程序/,
  },
  fair_competition: {
    basis: /公平竞争审查/,
    text: /公平竞争|外地(企业|经营者|商品|供应商)|本地企业|注册(地|登记)|在本(市|省).{0,6}(注册|纳税|设立)|分支机构|指定.{0,4}(供应商|经营者|产品|服务|机构)|限定.{0,6}(购买|使用|经营)|排除.{0,4}限制|歧视|招标|政府采购|税收返还|财政返还|入围|名录库|备选库|统一.{0,4}(价格|收费标准)|市场准入/,
  },
  regional_consistency: {
    basis: /京津冀|协同发展/,
    text: /京津冀|雄安|津冀|京冀|京津|三地|协同|互认|一体化|联防联控|疏解|承接|通武廊|毗邻|跨区域|跨省/,
  },
  content: {
    basis: /个人信息保护法|居住证|收费|保证金|价格法|预算法|立法法.{0,4}第一百零四条/,
    text: /溯及既往|信赖|增加.{0,12}义务|减损.{0,12}(权利|权益)|救济|复议|收费|费用|保证金|押金|户籍|户口|居住证|社会保险|社保|个人信息|证明材料|证明事项|补贴资金|奖励标准|资金|预算/,
  },
  form: {
    basis: /$^/,
    text: /表述|文字|用语|用词|措辞|标点|引用|全称|简称|格式|序号|编号|标题|有效期|施行日期|自.{0,8}起施行|废止|准备期|解释权|歧义|错别字/,
  },
};

/** Ties go to the item named first here: the narrower legal grounds before the general ones. */
const ORDER = [
  'authority',
  'competence',
  'fair_competition',
  'regional_consistency',
  'procedure',
  'content',
  'form',
] as const satisfies readonly CheckItem[];

/**
 * The checklist item of a comment: its own if it names one, else the item with the most signals
 * in its basis and text; `content` (内容) when none shows, the item most comments fall under.
 */
export function checklistItemOf(comment: { text: string; basis?: string; checklistItem?: CheckItem }): CheckItem {
  if (comment.checklistItem) return comment.checklistItem;
  let best: CheckItem = 'content';
  let bestScore = 0;
  for (const item of ORDER) {
    const { basis, text } = SIGNALS[item];
    const score = (comment.basis && basis.test(comment.basis) ? 2 : 0) + countMatches(text, comment.text);
    if (score > bestScore) [best, bestScore] = [item, score];
  }
  return best;
}

function countMatches(pattern: RegExp, text: string): number {
  return text.match(new RegExp(pattern.source, 'g'))?.length ?? 0;
}
