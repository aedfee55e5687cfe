/**
 * The assistive-review flags of stored versions: computed once per version and rule set, stored,
 * and read back. A version's text never changes, so its flags change only with the rules: they are
 * stored under the version and the rule set's `rulesVersion`, and a read under a new rule set
 * computes and stores them afresh (as it does for a version stored before flags existed).
 */
import {
  BUILTIN_RULES,
  builtinRuleSet,
  checkArticles,
  ruleSet,
  type CheckResult,
  type GuidelineRuleData,
  type RuleSet,
} from '../../domain/assist';
import type { GuidelineDoc } from '../../store/exchange';
import { versionId, type VersionDoc, type VersionFlagsDoc } from '../../store/models';
import { insertIfAbsent } from '../../store/mongo';
import type { AppContext } from '../context';
import { AppError } from '../errors';

/** Flags as the API answers them, with the day their dates were compared with. */
export interface StoredFlags extends CheckResult {
  checkedOn: string;
}

/** The last set built with guidelines, per store: compiled again only when the adopted ones change. */
const builtWithGuidelines = new WeakMap<object, { key: string; set: RuleSet }>();

/**
 * The rule set in force: the built-in rules joined by the machine rules of the adopted shared
 * guidelines (a superseded or declined one's leave it). One small read by status per call; the set
 * is compiled once per combination of adopted guidelines.
 */
export async function activeRuleSet(ctx: AppContext): Promise<RuleSet> {
  const adopted = await ctx.models.Guideline.find({ status: 'adopted' }, { _id: 1, number: 1 }).lean<
    Pick<GuidelineDoc, '_id' | 'number'>[]
  >();
  if (adopted.length === 0) return builtinRuleSet();
  const key = adopted
    .map((g) => `${g._id}:${g.number ?? ''}`)
    .sort()
    .join(',');
  const cached = builtWithGuidelines.get(ctx.models.Guideline);
  if (cached?.key === key) return cached.set;
  const full = await ctx.models.Guideline.find({ status: 'adopted' }).lean<GuidelineDoc[]>();
  const set = ruleSet(
    BUILTIN_RULES,
    full
      .filter((g) => g.rules.length > 0 && g.number !== undefined)
      .sort((a, b) => (a._id < b._id ? -1 : 1))
      .map((g) => ({ guidelineId: g._id, number: g.number!, title: g.title, rules: g.rules as GuidelineRuleData[] })),
  );
  builtWithGuidelines.set(ctx.models.Guideline, { key, set });
  return set;
}

const CHINA_OFFSET_MS = 8 * 3_600_000;

/** The calendar day (YYYY-MM-DD) in China (UTC+8 all year) at `at`. */
export function chinaDate(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** Where the flags of one version under one rule set are stored. */
export function flagsKey(ofVersion: string, rulesVersion: string): string {
  return `${ofVersion}@${rulesVersion}`;
}

/**
 * Checks a stored version and stores its flags unless they are there. The dates in it are compared
 * with the day it was stored, so whoever computes them (on write, or any later first read) gets
 * the same flags; of concurrent first computations one insert wins and the others' flags equal it.
 */
async function computeAndStore(ctx: AppContext, set: RuleSet, version: VersionDoc): Promise<StoredFlags> {
  const checkedOn = chinaDate(new Date(version.createdAt));
  const { rulesVersion, flags } = checkArticles(
    set,
    { articles: version.articles, legalBasis: version.legalBasis },
    { checkedOn },
  );
  await insertIfAbsent(ctx.models.VersionFlags, {
    _id: flagsKey(version._id, rulesVersion),
    versionId: version._id,
    rulesVersion,
    checkedOn,
    flags,
    createdAt: ctx.now(),
  });
  return { rulesVersion, checkedOn, flags };
}

/**
 * Stores a version's flags as it is stored, when so configured (ASSIST_FLAGS_ON_WRITE). Never
 * fails the write it follows: a flag is advice, and a read computes any that are missing.
 */
export async function flagOnWrite(ctx: AppContext, version: VersionDoc): Promise<void> {
  if (!ctx.config.env.ASSIST_FLAGS_ON_WRITE) return;
  try {
    await computeAndStore(ctx, await activeRuleSet(ctx), version);
  } catch {
    // Left to the first read.
  }
}

/**
 * The flags of version `version` of a document, as stored under the rule set in force; computed
 * and stored first when they are not (`loaded`: the version, when the caller has read it already).
 */
export async function versionFlags(
  ctx: AppContext,
  ref: { documentId: string; version: number },
  loaded?: VersionDoc,
): Promise<StoredFlags> {
  const set = await activeRuleSet(ctx);
  const id = versionId(ref.documentId, ref.version);
  const stored = await ctx.models.VersionFlags.findById(flagsKey(id, set.rulesVersion)).lean<VersionFlagsDoc>();
  if (stored) return { rulesVersion: stored.rulesVersion, checkedOn: stored.checkedOn, flags: stored.flags };
  const version = loaded ?? (await ctx.models.Version.findById(id).lean<VersionDoc>());
  if (!version) throw AppError.notFound('version');
  return computeAndStore(ctx, set, version);
}
