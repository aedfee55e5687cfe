/** Assistive review: checking a draft, the rules in force, and the flags of a stored version. */
import { assistCheckRequestSchema } from '../../features/assist/schemas';
import { checkDraft, listRules, readVersionFlags } from '../../features/assist/use-cases';
import { emptyQuerySchema } from '../../features/schemas';
import type { ApiDeps } from '../deps';
import { route, type RouteSpec } from '../http';
import { FlagsView, RulesView } from '../responses';

export function assistRoutes({ app }: ApiDeps): RouteSpec[] {
  return [
    route({
      method: 'post',
      path: '/v1/assist/check',
      tag: 'assist',
      summary: 'Check a draft against the rules in force (any role): flags, advice only',
      description:
        '`match.start` and `match.end` are UTF-16 offsets into the article text. Dates in the draft are compared ' +
        'with today (China time). Nothing is stored.',
      body: assistCheckRequestSchema,
      responses: [{ status: 200, description: '{ rulesVersion, checkedOn, flags }', schema: FlagsView }],
      errors: [400, 413],
      handler: async ({ actor, body, res }) => {
        res.json(await checkDraft(app, actor, body));
      },
    }),

    route({
      method: 'get',
      path: '/v1/assist/rules',
      tag: 'assist',
      summary: 'The rules in force: what each catches, its suggested severity and its basis',
      query: emptyQuerySchema,
      responses: [{ status: 200, description: '{ rulesVersion, rules }', schema: RulesView }],
      errors: [400],
      handler: async ({ res }) => {
        res.json(await listRules(app));
      },
    }),

    route({
      method: 'get',
      path: '/v1/documents/:id/versions/:version/flags',
      tag: 'assist',
      summary: "A stored version's flags (whoever may see the document)",
      description:
        'Computed once per version and rule set (when the version is stored, or on the first read under a new ' +
        'rule set) and stored; dates are compared with the day the version was stored.',
      query: emptyQuerySchema,
      responses: [{ status: 200, description: '{ rulesVersion, checkedOn, flags }', schema: FlagsView }],
      errors: [400, 404],
      handler: async ({ actor, params, res }) => {
        res.json(await readVersionFlags(app, actor, params.id, params.version));
      },
    }),
  ];
}
