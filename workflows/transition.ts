/**
 * The pure step between a transition planned on a copy of the review and its recording: what the
 * recording activity is sent, and what the workflow takes back from it. The workflow
 * (`review.ts`) runs it around every recording; the benchmark's seeding runs it too, so seeded
 * reviews are recorded from exactly the input the workflow would have sent.
 */
import type { RecordTransitionInput, RecordTransitionResult } from '../activities';
import { reviewProjection, touchedTasks } from '../domain/projection';
import type { NewEvent } from '../domain/review-log';
import type { ReviewMachine } from './review-machine';

/** The recording's input, short of the signed request that vouches for it. */
export type PlannedRecording = Omit<RecordTransitionInput, 'vouch'>;

/**
 * What recording the transition planned on `draft` needs: its new events (drained from `draft`),
 * stamped with the id of the request that caused it, continuing the log after `prevHash`; the
 * review as it stands after them; the tasks they touched. Undefined when it emitted no event: there
 * is nothing to record, and the workflow keeps the review as it was.
 */
export function plannedRecording(
  draft: ReviewMachine,
  { workflowId, prevHash, requestId }: { workflowId: string; prevHash: string; requestId?: string },
): PlannedRecording | undefined {
  const events = draft.drainEvents();
  if (events.length === 0) return undefined;
  const stamped: NewEvent[] = requestId ? events.map((e) => ({ ...e, requestId })) : events;
  const state = draft.state;
  return {
    workflowId,
    events: stamped,
    prevHash,
    review: reviewProjection(state),
    tasks: touchedTasks(state, stamped),
  };
}

/** Takes the numbers the recording gave the transition's `events` into `draft`'s state. */
export function takeNumbers(
  draft: ReviewMachine,
  events: readonly NewEvent[],
  numbers: RecordTransitionResult['numbers'],
): void {
  for (const { seq, number } of numbers) {
    const event = events.find((e) => e.seq === seq);
    if (event) draft.numbered({ ...event, data: { ...event.data, number } } as NewEvent);
  }
}
