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

/**
 * A first request waits a moment for its note, so that the person is listed when it is answered; a
 * slow or frozen store must not hold the request past its budget, so it goes on after this long and
 * the note finishes (or fails, and is retried by the next request) on its own.
 */
const NOTE_WAIT_MS = 500;

export function noteInDirectory(ctx: AppContext, logger: Logger): RequestHandler {
  return (_req, res, next) => {
    const actor = res.locals.actor as Actor;
    let passed = false;
    const pass = () => {
      if (passed) return;
      passed = true;
      clearTimeout(timer);
      next();
    };
    const timer = setTimeout(pass, NOTE_WAIT_MS);
    // A directory that could not be written is no reason to refuse the request: the next one retries.
    notePerson(ctx, actor).then(pass, (err: unknown) => {
      logger.warn({ err, sub: actor.sub }, 'could not note the caller in the directory');
      pass();
    });
  };
}
