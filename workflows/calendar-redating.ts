/**
 * Re-dating the running reviews on a loaded year (`PUT /v1/calendar/:year` starts it, signed, with
 * id `calendar-redating:<year>:<loadId>`): one activity per page of running reviews taken by id after
 * a cursor (activities/calendar-redating.ts), the cursor carried into a new run every few pages so
 * the history stays small. A worker that dies mid-page leaves the page to the activity's retry, which
 * sends each review the same Update again (answered with its first outcome). A start the API did not
 * sign fails at its first activity, before any review is sent anything.
 */
import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { CalendarRedatingCursor, CalendarRedatingInput, Signed } from '../domain/messages';

const { redateCalendarPage } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '10 minutes',
  // Each review answered beats; a worker that died is noticed after this, not after the whole page.
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: ['forbidden'] },
});

/** Pages per run before continuing as new with the cursor. */
const PAGES_PER_RUN = 5;

export async function calendarRedating(
  start: Signed<CalendarRedatingInput>,
  cursor: CalendarRedatingCursor = { pages: 0, redated: 0, moved: 0 },
): Promise<CalendarRedatingCursor> {
  const { workflowId } = workflowInfo();
  let at = cursor;
  for (let i = 0; i < PAGES_PER_RUN; i++) {
    const page = await redateCalendarPage({ start, workflowId, ...(at.after !== undefined && { after: at.after }) });
    if (page.last === undefined) return at;
    at = { after: page.last, pages: at.pages + 1, redated: at.redated + page.redated, moved: at.moved + page.moved };
  }
  return continueAsNew<typeof calendarRedating>(start, at);
}
