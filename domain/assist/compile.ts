/**
 * Turns rules (data) into matchers once per rule set: terms become global regular expressions with
 * the shorthands expanded, shared exception sets are inlined. Refuses a rule it cannot run, with a
 * message saying why, so a guideline's bad rule is caught at the edge and never at check time.
 */
import { IN_CLAUSE, IN_SENTENCE } from './text';
import type { ActiveRule, Exception, Side, Term } from './types';

export type Lexicon = Record<string, string[]>;
export type ExceptionSets = Record<string, Exception[]>;

export interface CompiledTerm {
  /** The expanded source: terms with the same source share their matches within one check. */
  source: string;
  regex: RegExp;
}

export interface CompiledNear {
  term: CompiledTerm;
  within: number;
  side: Side;
}

export interface CompiledException {
  term: CompiledTerm;
  scope: 'sentence' | 'clause';
  side: Side;
  within: number;
  but?: CompiledTerm;
}

export interface CompiledRule {
  rule: ActiveRule;
  triggers: CompiledTerm[];
  near: CompiledNear[];
  unless: CompiledException[];
  dateBeforeCheck: boolean;
  document?: { absent: CompiledTerm; anchor?: CompiledTerm };
}

export class RuleCompileError extends Error {
  constructor(
    readonly ruleId: string,
    message: string,
  ) {
    super(`规则 ${ruleId}：${message}`);
    this.name = 'RuleCompileError';
  }
}

const escapeRegExp = (word: string) => word.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Builds the matchers of one rule; throws {@link RuleCompileError} when it cannot run. */
export function compileRule(rule: ActiveRule, lexicon: Lexicon, exceptionSets: ExceptionSets): CompiledRule {
  const term = (t: Term, where: string) => compileTerm(t, lexicon, rule.id, where);
  const { match } = rule;
  const drivers = [match.any?.length, match.document, match.citation].filter(Boolean).length;
  if (drivers !== 1) throw new RuleCompileError(rule.id, 'match 须且只须包含 any、document、citation 之一');

  const unless = (match.unless ?? []).flatMap((exception, i) =>
    expandSets(exception, exceptionSets, rule.id, []).map((e) => ({
      term: term(e.term!, `unless[${i}]`),
      scope: e.scope ?? 'sentence',
      side: e.side ?? 'either',
      within: e.within ?? Infinity,
      but: e.but ? term(e.but, `unless[${i}].but`) : undefined,
    })),
  );
  return {
    rule,
    triggers: (match.any ?? []).map((t, i) => term(t, `any[${i}]`)),
    near: (match.near ?? []).map((n, i) => ({
      term: term(n.term, `near[${i}]`),
      within: n.within,
      side: n.side ?? 'either',
    })),
    unless,
    dateBeforeCheck: match.dateBeforeCheck ?? false,
    document: match.document && {
      absent: term(match.document.absent, 'document.absent'),
      anchor: match.document.anchor && term(match.document.anchor, 'document.anchor'),
    },
  };
}

/** An exception, or the exceptions of the set it names (sets may name other sets). */
function expandSets(exception: Exception, sets: ExceptionSets, ruleId: string, path: string[]): Exception[] {
  if (exception.set === undefined) {
    if (!exception.term) throw new RuleCompileError(ruleId, '例外须包含 term 或 set');
    return [exception];
  }
  const members = sets[exception.set];
  if (!members) throw new RuleCompileError(ruleId, `例外集合 ${exception.set} 不存在`);
  if (path.includes(exception.set)) throw new RuleCompileError(ruleId, `例外集合 ${exception.set} 循环引用`);
  return members.flatMap((e) => expandSets(e, sets, ruleId, [...path, exception.set!]));
}

function compileTerm(t: Term, lexicon: Lexicon, ruleId: string, where: string): CompiledTerm {
  const parts: string[] = [];
  if (t.words?.length) parts.push(alternation(t.words));
  if (t.pattern) parts.push(expandPattern(t.pattern, lexicon, ruleId, where));
  if (!parts.length) throw new RuleCompileError(ruleId, `${where} 须包含 words 或 pattern`);
  const source = parts.length === 1 ? parts[0] : parts.map((p) => `(?:${p})`).join('|');
  let regex: RegExp;
  try {
    regex = new RegExp(source, 'gu');
  } catch (err) {
    throw new RuleCompileError(ruleId, `${where} 的正则表达式无效（${(err as Error).message}）`);
  }
  if (regex.test('')) throw new RuleCompileError(ruleId, `${where} 会匹配空字符串`);
  return { source, regex };
}

/** Longest words first, so 行政事业性收费 wins over 收费 at the same place. */
function alternation(words: string[]): string {
  return [...new Set(words)]
    .filter((w) => w.length > 0)
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join('|');
}

/** A date as normative documents write it: 2025年1月1日, 二〇二五年一月一日, or without the day. */
export const DATE_PATTERN =
  '(?:\\d{4}|[〇零一二三四五六七八九]{4})年(?:\\d{1,2}|[一二三四五六七八九十]{1,3})月(?:(?:\\d{1,2}|[一二三四五六七八九十]{1,3})日)?';

function expandPattern(pattern: string, lexicon: Lexicon, ruleId: string, where: string): string {
  return pattern.replace(/\{(?:(gap|cgap|lex):([^}]+)|date)\}/g, (_, kind?: string, arg?: string) => {
    if (kind === undefined || arg === undefined) return DATE_PATTERN;
    if (kind === 'lex') {
      const words = lexicon[arg];
      if (!words) throw new RuleCompileError(ruleId, `${where} 引用的词表 ${arg} 不存在`);
      return `(?:${alternation(words)})`;
    }
    const n = Number(arg);
    if (!Number.isInteger(n) || n < 0 || n > 200)
      throw new RuleCompileError(ruleId, `${where} 的间隔 ${arg} 须为 0–200`);
    return `${kind === 'gap' ? IN_SENTENCE : IN_CLAUSE}{0,${n}}?`;
  });
}
