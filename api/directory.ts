/**
 * The directory of people fills itself from the tokens the API sees: the first request with a valid
 * token of someone (or with changed claims) puts them in it. Written once per process for each
 * person and set of claims, so requests do not pay a write each.
 */
import type { RequestHandler } from 'express';
import type { Actor } from '../domain/model';
import { notePerson } from '../features/assignment/use-cases';
import type { AppContext } from '../features/context';
import type { Logger } from '../platform/observability';

export function noteInDirectory(ctx: AppContext, logger: Logger): RequestHandler {
  return (_req, res, next) => {
    const actor = res.locals.actor as Actor;
    // A directory that could not be written is no reason to refuse the request: the next one retries.
    notePerson(ctx, actor).then(
      () => next(),
      (err: unknown) => {
        logger.warn({ err, sub: actor.sub }, 'could not note the caller in the directory');
        next();
      },
    );
  };
}
