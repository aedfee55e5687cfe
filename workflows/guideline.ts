/**
 * One workflow per shared guideline proposal (type `sharedGuideline`): a `guideline_adoption` task
 * to the signer of each of the three regions at once, due in GUIDELINE_ADOPTION_WORKING_DAYS
 * (reminders, overdue and escalation as for a review's tasks). All three adopt: it is adopted, the
 * recording takes its number 京津冀合审指引〔YYYY〕n号 (gap-free per year) and marks the version it
 * supersedes; one declines (with reasons): it is declined, the other tasks are cancelled. Either
 * ends the workflow.
 */
import { allHandlersFinished, condition, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  ALL_REGIONS,
  exchangeActionUpdate,
  exchangeStartedUpdate,
  fireExchangeDeadlines,
  nextExchangeDeadline,
  refOf,
  taskClock,
  taskToDecide,
  type ExchangeLog,
  type ExchangeRequest,
  type ExchangeTask,
  type GuidelineStart,
  type GuidelineState,
  type RegionAdoption,
} from '../domain/exchange';
import type { Signed } from '../domain/messages';
import type { Region } from '../domain/model';
import { Refusal } from '../domain/rules';
import { ExchangeCase, now, refuseStart, requireSignature, type CaseOf } from './exchange-case';

export async function sharedGuideline(start: Signed<GuidelineStart>): Promise<void> {
  const { workflowId } = workflowInfo();
  // Only the API starts one: anything else fails here (and its signature is checked before anything is stored).
  requireSignature(start);
  if (typeof start.body?.guideline !== 'object' || start.body.guideline === null) refuseStart();
  const { guideline: proposed, adoptionWorkingDays, timeModel } = start.body;
  const at = now();
  const guideline: GuidelineState = {
    ...proposed,
    status: 'proposed',
    adoptions: {} as Record<Region, RegionAdoption>,
    createdAt: at,
    lastSeq: 0,
  };
  const c = new ExchangeCase<GuidelineState>(workflowId, 'guideline', { state: guideline, tasks: [] });
  let recorded = false;
  const takeNumber = (draft: CaseOf<GuidelineState>, result: { number?: string }) => {
    if (result.number) draft.state.number = result.number;
  };

  setHandler(exchangeStartedUpdate, async () => {
    await condition(() => recorded);
    return c.current.state;
  });
  setHandler(
    exchangeActionUpdate,
    async (request) => {
      const task = await c.transition(
        (draft, log) => apply(draft, log, request.body, now()),
        { purpose: 'exchange', request },
        takeNumber,
      );
      return { task, state: c.current.state };
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
      log.emit(at, 'guideline_proposed', proposed.proposedBy, { guideline: proposed });
      for (const region of ALL_REGIONS) {
        const task: ExchangeTask = {
          id: `${workflowId}:${region}`,
          subject: { type: 'guideline', id: workflowId },
          kind: 'guideline_adoption',
          region,
          role: 'signer',
          status: 'open',
          ...taskClock(at, adoptionWorkingDays, timeModel),
          createdAt: at,
        };
        draft.tasks.push(task);
        draft.state.adoptions[region] = { status: 'pending', taskId: task.id, dueAt: task.dueAt };
        log.emit(at, 'task_opened', undefined, { taskId: task.id, kind: task.kind, region, task });
      }
    },
    { purpose: 'start', request: start },
  );
  recorded = true;

  while (c.current.state.status === 'proposed') {
    const seen = c.current.state.lastSeq;
    const next = nextExchangeDeadline(c.current.tasks);
    const moved = () => c.current.state.lastSeq !== seen;
    if (next === undefined) await condition(moved);
    else await condition(moved, Math.max(1, next - Date.now()));
    await c.transition((draft, log) => {
      for (const task of fireExchangeDeadlines(draft.tasks, log, now(), draft.state.title)) {
        if (task.overdueAt) draft.state.adoptions[task.region].overdueAt = task.overdueAt;
      }
    });
  }
  await condition(allHandlersFinished);
}

/** Applies an adoption or a decline (on a draft); throws a Refusal when it breaks a rule. */
function apply(draft: CaseOf<GuidelineState>, log: ExchangeLog, request: ExchangeRequest, at: string): ExchangeTask {
  const { state: guideline } = draft;
  if (request.action !== 'adopt' && request.action !== 'decline') {
    throw new Refusal('validation_failed', '指引审议任务只接受 adopt 或 decline');
  }
  if (guideline.status !== 'proposed') throw new Refusal('conflict', '该指引已审议完毕');
  const task = taskToDecide(draft.tasks, request.taskId, request.actor, 'guideline_adoption');
  if (request.action === 'decline' && !request.opinion?.trim()) {
    throw new Refusal('validation_failed', '不同意须说明理由', [{ path: 'opinion', message: '不同意须说明理由' }]);
  }
  const by = refOf(request.actor, 'signer');
  Object.assign(task, {
    status: 'completed',
    completedAt: at,
    decision: request.action,
    completedBy: by,
    ...(request.opinion && { opinion: request.opinion }),
  });
  guideline.adoptions[task.region] = {
    ...guideline.adoptions[task.region],
    status: request.action === 'adopt' ? 'adopted' : 'declined',
    decidedAt: at,
    decidedBy: by,
    ...(request.opinion && { opinion: request.opinion }),
  };
  log.emit(at, 'task_completed', by, {
    taskId: task.id,
    kind: task.kind,
    region: task.region,
    decision: request.action,
    ...(request.opinion && { opinion: request.opinion }),
  });
  if (request.action === 'decline') {
    for (const other of draft.tasks.filter((t) => t.status === 'open')) {
      other.status = 'cancelled';
      log.emit(at, 'task_cancelled', undefined, { taskId: other.id, kind: other.kind, region: other.region });
    }
    Object.assign(guideline, { status: 'declined', declinedAt: at });
    log.emit(at, 'guideline_declined', undefined, { region: task.region, opinion: request.opinion });
  } else if (ALL_REGIONS.every((r) => guideline.adoptions[r].status === 'adopted')) {
    Object.assign(guideline, { status: 'adopted', adoptedAt: at });
    // The recording gives this event its number (activities/exchange.ts).
    log.emit(at, 'guideline_adopted', undefined, {
      version: guideline.version,
      ...(guideline.supersedes && { supersedes: guideline.supersedes }),
    });
  }
  return task;
}
