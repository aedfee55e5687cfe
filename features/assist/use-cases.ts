/**
 * Assistive review (API.md, "Assistive review"): a draft checked before it is submitted, the rules
 * in force, and the flags of a stored version. Advice for people; nothing here decides anything.
 */
import { checkArticles, describeRules, type RulesDescription } from '../../domain/assist';
import type { Actor } from '../../domain/model';
import type { AppContext } from '../context';
import { documentFor, versionOf } from '../documents/queries';
import { activeRuleSet, chinaDate, versionFlags, type StoredFlags } from './flags';
import type { AssistCheckRequest } from './schemas';

/**
 * `POST /v1/assist/check` (any role): the flags of a draft that is not stored, e.g. before the
 * drafter submits it. Dates are compared with today in China.
 */
export async function checkDraft(ctx: AppContext, _actor: Actor, body: AssistCheckRequest): Promise<StoredFlags> {
  const checkedOn = chinaDate(ctx.now());
  const { rulesVersion, flags } = checkArticles(await activeRuleSet(ctx), body, { checkedOn });
  return { rulesVersion, checkedOn, flags };
}

/** `GET /v1/assist/rules`: what each rule in force catches, and on what basis. */
export async function listRules(ctx: AppContext): Promise<RulesDescription> {
  return describeRules(await activeRuleSet(ctx));
}

/** `GET /v1/documents/:id/versions/:version/flags`: whoever may see the document (404 otherwise). */
export async function readVersionFlags(
  ctx: AppContext,
  actor: Actor,
  id: string,
  version: string,
): Promise<StoredFlags> {
  const { doc } = await documentFor(ctx, actor, id);
  const stored = await versionOf(ctx, doc._id, version);
  return versionFlags(ctx, { documentId: doc._id, version: stored.version }, stored);
}
