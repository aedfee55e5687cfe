/**
 * One workflow per topic (type `exchangeTopic`): a question raised by one region for the other two.
 * Each of them gets a `topic_answer` task due in TOPIC_ANSWER_WORKING_DAYS, reminded one working
 * day before and marked overdue and escalated to the supervisors when it passes, by durable timers
 * here as a review's deadlines are. Replies and answers form the thread; the raising region closes
 * the topic with a summary, which ends the workflow (open answer tasks are cancelled).
 */
import { allHandlersFinished, condition, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  answeringRegions,
  exchangeActionUpdate,
  exchangeRole,
  exchangeStartedUpdate,
  fireExchangeDeadlines,
  nextExchangeDeadline,
  refOf,
  taskClock,
  taskToDecide,
  takesPartInExchange,
  type ExchangeLog,
  type ExchangeRequest,
  type ExchangeTask,
  type TopicStart,
  type TopicState,
} from '../domain/exchange';
import type { Signed } from '../domain/messages';
import { Refusal } from '../domain/rules';
import { ExchangeCase, now, refuseStart, requireSignature, type CaseOf } from './exchange-case';

export async function exchangeTopic(start: Signed<TopicStart>): Promise<void> {
  const { workflowId } = workflowInfo();
  // Only the API starts one: anything else fails here (and its signature is checked before anything is stored).
  requireSignature(start);
  if (typeof start.body?.topic !== 'object' || start.body.topic === null) refuseStart();
  const { topic: raised, answerWorkingDays, timeModel } = start.body;
  const at = now();
  const topic: TopicState = { ...raised, status: 'open', answers: {}, replies: [], createdAt: at, lastSeq: 0 };
  const c = new ExchangeCase<TopicState>(workflowId, 'topic', { state: topic, tasks: [] });
  let recorded = false;

  setHandler(exchangeStartedUpdate, async () => {
    await condition(() => recorded);
    return c.current.state;
  });
  setHandler(
    exchangeActionUpdate,
    async (request) => {
      const task = await c.transition((draft, log) => apply(draft, log, request.body, now()), {
        purpose: 'exchange',
        request,
      });
      return { ...(task && { task }), state: c.current.state };
    },
    {
      validator: (request: Signed<ExchangeRequest>) => {
        requireSignature(request);
        c.check((draft, log) => apply(draft, log, request.body, now()));
      },
    },
  );

  await c.transition(
    (draft, log) => {
      log.emit(at, 'topic_raised', raised.raisedBy, { topic: raised });
      for (const region of answeringRegions(raised.region)) {
        const task: ExchangeTask = {
          id: `${workflowId}:${region}`,
          subject: { type: 'topic', id: workflowId },
          kind: 'topic_answer',
          region,
          role: 'reviewer',
          status: 'open',
          ...taskClock(at, answerWorkingDays, timeModel),
          createdAt: at,
        };
        draft.tasks.push(task);
        draft.state.answers[region] = { status: 'pending', taskId: task.id, dueAt: task.dueAt };
        log.emit(at, 'task_opened', undefined, { taskId: task.id, kind: task.kind, region, task });
      }
    },
    { purpose: 'start', request: start },
  );
  recorded = true;

  while (c.current.state.status === 'open') {
    const seen = c.current.state.lastSeq;
    const next = nextExchangeDeadline(c.current.tasks);
    const moved = () => c.current.state.lastSeq !== seen;
    if (next === undefined) await condition(moved);
    else await condition(moved, Math.max(1, next - Date.now()));
    await c.transition((draft, log) => {
      for (const task of fireExchangeDeadlines(draft.tasks, log, now(), draft.state.title)) {
        const answer = draft.state.answers[task.region];
        if (answer && task.overdueAt) answer.overdueAt = task.overdueAt;
      }
    });
  }
  await condition(allHandlersFinished);
}

/** Applies a request to a topic (on a draft); throws a Refusal when it breaks a rule. */
function apply(
  draft: CaseOf<TopicState>,
  log: ExchangeLog,
  request: ExchangeRequest,
  at: string,
): ExchangeTask | undefined {
  const { state: topic } = draft;
  const { actor } = request;
  if (!takesPartInExchange(actor)) throw new Refusal('forbidden', '只有审核人员和签发人可以参与研讨');
  if (topic.status !== 'open') throw new Refusal('conflict', '该议题已关闭');
  switch (request.action) {
    case 'answer': {
      const task = taskToDecide(draft.tasks, request.taskId, actor, 'topic_answer');
      const by = refOf(actor, task.role);
      Object.assign(task, {
        status: 'completed',
        completedAt: at,
        decision: 'answer',
        completedBy: by,
        opinion: request.opinion,
      });
      topic.answers[task.region] = {
        ...topic.answers[task.region]!,
        status: 'answered',
        opinion: request.opinion,
        ...(request.basis && { basis: request.basis }),
        ...(request.comments && { comments: request.comments }),
        answeredAt: at,
        answeredBy: by,
      };
      log.emit(at, 'task_completed', by, {
        taskId: task.id,
        kind: task.kind,
        region: task.region,
        decision: 'answer',
        opinion: request.opinion,
        ...(request.basis && { basis: request.basis }),
        ...(request.comments && { comments: request.comments }),
      });
      return task;
    }
    case 'reply': {
      const reply = {
        id: `${topic.id}:r${topic.replies.length + 1}`,
        body: request.body,
        ...(request.basis && { basis: request.basis }),
        by: refOf(actor, exchangeRole(actor)),
        at,
      };
      topic.replies.push(reply);
      log.emit(at, 'topic_replied', reply.by, { reply });
      return undefined;
    }
    case 'close': {
      if (actor.region !== topic.region) throw new Refusal('forbidden', '只有提出议题的地区可以关闭议题');
      const by = refOf(actor, exchangeRole(actor));
      for (const task of draft.tasks.filter((t) => t.status === 'open')) {
        task.status = 'cancelled';
        log.emit(at, 'task_cancelled', undefined, { taskId: task.id, kind: task.kind, region: task.region });
      }
      Object.assign(topic, { status: 'closed', summary: request.summary, closedAt: at, closedBy: by });
      log.emit(at, 'topic_closed', by, { summary: request.summary });
      return undefined;
    }
    default:
      throw new Refusal('validation_failed', '议题不接受该操作');
  }
}
