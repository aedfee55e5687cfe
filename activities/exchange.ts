/**
 * Recording one transition of a topic or a shared guideline (workflows/topic.ts,
 * workflows/guideline.ts), through the review's recording path where it fits: the API's signature
 * checked first, a guideline's number taken as a review's are (gap-free per year, the event's id
 * as the claim), the events appended to a hash-chained log of its own (`events`, under the topic's
 * or guideline's id, idempotent like a review's), the notifications they carry, the tasks and the
 * projection moved forward by log position, the year's counters moved. A retried recording stores
 * and counts nothing twice.
 */
import { ApplicationFailure } from '@temporalio/common';
import {
  guidelineNumber,
  type ExchangeEvent,
  type ExchangeRequest,
  type ExchangeTask,
  type GuidelineState,
  type TopicState,
} from '../domain/exchange';
import type { Signed, SignedPayload } from '../domain/messages';
import type { NotificationRecord } from '../domain/model';
import { cstYear } from '../domain/offices';
import type { NewEvent } from '../domain/review-log';
import { verifyRequest, type SigningKeys } from '../platform/signing';
import { dueHourOf } from '../domain/stats-counters';
import { statsComponents } from '../store/stats-counters';
import { monthOf, urgencyKeyOf, type Models, type TaskDoc } from '../store/models';
import { moveForward, type RecordingStore } from '../store/recording-store';
import { appendEvents, eventId } from './log-store';
import { countExchangeFigures } from './register';

export type ExchangeRecordInput = {
  workflowId: string;
  prevHash: string;
  events: ExchangeEvent[];
  tasks: ExchangeTask[];
  /** The request that caused the transition, as the API signed it (none for deadlines). */
  vouch?: { purpose: SignedPayload<unknown>['purpose']; request: Signed<ExchangeRequest> | Signed<unknown> };
} & ({ topic: TopicState } | { guideline: GuidelineState });

export interface ExchangeRecordResult {
  lastHash: string;
  /** The number an adoption took (guidelines). */
  number?: string;
}

/** The event that makes a guideline adopted, and takes its number. */
export const ADOPTED_EVENT = 'guideline_adopted';

export async function recordExchange(
  models: Models,
  store: RecordingStore,
  signingKeys: SigningKeys,
  input: ExchangeRecordInput,
): Promise<ExchangeRecordResult> {
  const { vouch, workflowId } = input;
  if (vouch && !verifyRequest(signingKeys, vouch.purpose, workflowId, vouch.request)) {
    throw ApplicationFailure.nonRetryable('the request is not signed by the API: nothing was recorded', 'forbidden');
  }
  let events = input.events;
  let number: string | undefined;
  if ('guideline' in input) {
    const adopted = events.find((e) => e.type === ADOPTED_EVENT && e.data.number === undefined);
    if (adopted) {
      const year = cstYear(adopted.at);
      number = await store.takeNumber({
        _id: eventId(workflowId, adopted.seq),
        series: `guideline:jjj:${year}`,
        reviewId: workflowId,
        format: (n) => guidelineNumber(year, n),
      });
      events = events.map((e) => (e === adopted ? { ...e, data: { ...e.data, number } } : e));
    }
  }
  // Lists that read a month at a time (tasks, notifications) go back to the oldest month noted.
  if (events[0]?.seq === 1) await store.noteReviewMonth(monthOf(events[0].at));
  const lastHash = await appendEvents(store, workflowId, input.prevHash, events as unknown as NewEvent[]);
  await store.insertNotifications(
    events.flatMap((e) => {
      const n = e.data.notification as Omit<NotificationRecord, 'createdAt'> | undefined;
      if (!n) return [];
      const { id, ...rest } = n;
      return [{ _id: id, ...rest, createdAt: new Date(e.at), month: monthOf(e.at) }];
    }),
  );
  const lastSeq = events[events.length - 1]?.seq ?? 0;
  await Promise.all(
    input.tasks.map(({ id, ...task }) =>
      store.moveTaskForward({
        _id: id,
        ...task,
        // Its place in the work list by urgency and in the assignee filter, as a review task's.
        urgencyKey: urgencyKeyOf({ id, ...task }),
        dueHour: task.dueAt === null ? null : dueHourOf(task.dueAt),
        assigneeSub: null,
        lastSeq,
        month: monthOf(task.createdAt),
      } as unknown as TaskDoc),
    ),
  );
  if ('topic' in input) {
    const { id, ...topic } = input.topic;
    await moveForward(models.Topic, { _id: id, ...topic });
  } else {
    const { id, ...guideline } = input.guideline;
    const doc = { _id: id, ...guideline, ...(number !== undefined && { number }) };
    await moveForward(models.Guideline, doc);
    // A new version, adopted, supersedes the one it names (which its log does not record: it has ended).
    if (guideline.supersedes && doc.status === 'adopted') {
      await models.Guideline.updateOne(
        { _id: guideline.supersedes, status: 'adopted' },
        { $set: { status: 'superseded', supersededBy: id } },
      );
    }
  }
  const { region } = 'topic' in input ? input.topic : input.guideline;
  await Promise.all([
    countExchangeFigures(store, workflowId, region, events),
    // Its tasks in the supervisors' statistics (a topic or guideline is no review: no review counts).
    input.tasks.length > 0 && events.length > 0
      ? store.countStats(workflowId, lastSeq, statsComponents({}, undefined, input.tasks))
      : undefined,
  ]);
  return { lastHash, ...(number !== undefined && { number }) };
}
