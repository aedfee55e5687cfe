/**
 * The review state machine on its own: every transition of the task table and the rules that
 * refuse a decision. Pure code, no servers.
 */
import { DEFAULT_POLICY } from '../domain/clock';
import type { ReviewInput } from '../domain/messages';
import { CHECK_ITEMS, type Actor, type CheckInput, type DecisionInput, type TaskKind } from '../domain/model';
import { Refusal } from '../domain/rules';
import { historyEntry, sideRecords, type NewEvent, type SideRecords } from '../domain/review-log';
import { ReviewMachine } from '../workflows/review-machine';

const input: ReviewInput = {
  reviewId: 'review:doc1:1',
  documentId: 'doc1',
  originRegion: 'beijing',
  org: '北京市交通委员会',
  drafter: { sub: 'd1' },
  version: 1,
  articleNumbers: ['1', '2', '3'],
  urgent: false,
  submittedAt: '2026-03-02T01:00:00.000Z',
  policy: DEFAULT_POLICY,
  timeModel: {},
};

const drafter: Actor = { sub: 'd1', region: 'beijing', roles: ['drafter'], org: '北京市交通委员会' };
const bjReviewer: Actor = { sub: 'r1', region: 'beijing', roles: ['reviewer'] };
const tjReviewer: Actor = { sub: 'r2', region: 'tianjin', roles: ['reviewer'] };
const hbReviewer: Actor = { sub: 'r3', region: 'hebei', roles: ['reviewer'] };
const bjSigner: Actor = { sub: 's1', region: 'beijing', roles: ['signer'] };

const allPass: CheckInput[] = CHECK_ITEMS.map((item) => ({ item, result: 'pass' }));
const approve: DecisionInput = { decision: 'approve', checklist: allPass };

let clock = Date.parse(input.submittedAt);
const at = () => new Date((clock += 3_600_000)).toISOString();

/** A review submitted with the given input, its materials not yet accepted. */
function submitted(overrides: Partial<ReviewInput> = {}): ReviewMachine {
  let n = 0;
  return ReviewMachine.submit({ ...input, ...overrides }, () => `c${++n}`);
}

/** A review whose materials were accepted at `acceptedAt` (by default when it was submitted). */
function accepted(overrides: Partial<ReviewInput> = {}, acceptedAt?: string): ReviewMachine {
  const m = submitted(overrides);
  m.complete(openTask(m, 'intake').id, bjReviewer, { decision: 'accept' }, acceptedAt ?? m.state.submittedAt);
  return m;
}

/** A review under origin review, accepted on Monday 2 March 2026 at 09:00 CST, when it was submitted. */
function newMachine(): ReviewMachine {
  return accepted();
}

/** The review's due date: the end (24:00 CST) of the 15th working day after Monday 2 March, Monday 23 March. */
const REVIEW_DUE = '2026-03-23T16:00:00.000Z';

/** Every event each machine has emitted, for the tests that look back over the whole log. */
const logs = new WeakMap<ReviewMachine, NewEvent[]>();

function drain(m: ReviewMachine): NewEvent[] {
  const log = logs.get(m) ?? [];
  log.push(...m.drainEvents());
  logs.set(m, log);
  return log;
}

/** The comments, dispositions and notifications emitted since the last call. */
function pending(m: ReviewMachine): SideRecords {
  const before = logs.get(m)?.length ?? 0;
  const fresh = drain(m).slice(before);
  return sideRecords(m.state, fresh);
}

/** The history as GET /v1/reviews/:id shows it. */
function history(m: ReviewMachine) {
  return drain(m).map(historyEntry);
}

function openTask(m: ReviewMachine, kind: TaskKind, region = 'beijing') {
  const task = m.state.tasks.find((t) => t.kind === kind && t.region === region && t.status === 'open');
  if (!task) throw new Error(`no open ${kind} task for ${region}`);
  return task;
}

function refusal(fn: () => unknown): Refusal {
  try {
    fn();
  } catch (err) {
    if (err instanceof Refusal) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('review machine', () => {
  test('when submitted, an intake task opens for the origin review body and no clock runs', () => {
    const m = submitted();
    expect(m.state.stage).toBe('intake');
    expect(m.state.tasks).toEqual([
      expect.objectContaining({ kind: 'intake', region: 'beijing', role: 'reviewer', status: 'open', dueAt: null }),
    ]);
    expect(m.state.clock.runningSince).toBeUndefined();
    expect(m.nextDeadline()).toBeUndefined();
  });

  test('when the materials are accepted, the review is registered, the origin review opens and the clock counts from the next day', () => {
    const m = newMachine();
    expect(m.state.stage).toBe('origin_review');
    expect(m.state.acceptedAt).toBe(input.submittedAt);
    expect(openTask(m, 'origin_review')).toMatchObject({ region: 'beijing', role: 'reviewer', version: 1 });
    // The first day is not counted: the run starts at the midnight after the acceptance (CST).
    expect(m.state.clock.runningSince).toBe('2026-03-02T16:00:00.000Z');
    expect(m.state.clock.dueAt).toBe(REVIEW_DUE);
    expect(history(m).map((h) => h.type)).toEqual([
      'submitted',
      'task_opened',
      'task_completed',
      'accepted',
      'clock_started',
      'task_opened',
      'stage_changed',
    ]);
  });

  test('when both regions concur, the review goes to sign-off and signing approves it as legal', () => {
    const m = newMachine();
    m.complete(openTask(m, 'origin_review').id, bjReviewer, approve, at());
    expect(m.state.stage).toBe('consultation');
    expect(Object.keys(m.state.consultations).sort()).toEqual(['hebei', 'tianjin']);

    m.complete(openTask(m, 'consultation', 'tianjin').id, tjReviewer, { decision: 'concur' }, at());
    expect(m.state.stage).toBe('consultation');
    expect(m.state.consultations.tianjin).toMatchObject({ status: 'responded', decision: 'concur' });
    m.complete(openTask(m, 'consultation', 'hebei').id, hbReviewer, { decision: 'concur' }, at());
    expect(m.state.stage).toBe('signoff');

    m.complete(openTask(m, 'signoff').id, bjSigner, { decision: 'sign' }, at());
    expect(m.stageRef()).toEqual({ status: 'approved', stage: 'closed' });
    expect(m.state.outcome?.conclusion).toBe('legal');
    expect(m.state.clock.runningSince).toBeUndefined();
  });

  test('when consultations open, each is due after 5 working days (CST), never after the review itself', () => {
    const m = newMachine();
    // Monday 2026-03-02, 10:00 CST; five working days later is the end of Monday 2026-03-09.
    m.complete(openTask(m, 'origin_review').id, bjReviewer, approve, '2026-03-02T02:00:00.000Z');
    expect(openTask(m, 'consultation', 'tianjin').dueAt).toBe('2026-03-09T16:00:00.000Z');
    // The origin review was due with the whole review: the end of its 15th working day.
    expect(openTask(m, 'consultation', 'tianjin').dueAt).not.toBe(REVIEW_DUE);
    expect(m.state.tasks.find((t) => t.kind === 'origin_review')?.dueAt).toBe(REVIEW_DUE);
  });

  test('when a consulted region objects, the review goes to consolidation', () => {
    const m = newMachine();
    m.complete(openTask(m, 'origin_review').id, bjReviewer, approve, at());
    m.complete(
      openTask(m, 'consultation', 'tianjin').id,
      tjReviewer,
      { decision: 'object', opinion: '与天津规定冲突' },
      at(),
    );
    m.complete(openTask(m, 'consultation', 'hebei').id, hbReviewer, { decision: 'concur' }, at());
    expect(m.state.stage).toBe('consolidation');
    m.complete(
      openTask(m, 'consolidation').id,
      bjReviewer,
      { decision: 'proceed', opinion: '异议不成立，理由如下' },
      at(),
    );
    expect(m.state.stage).toBe('signoff');
  });

  test('when changes are requested, the clock stops until the drafter resubmits a newer version with dispositions', () => {
    const m = newMachine();
    const comments = [
      { article: '2', text: '增设许可缺乏上位法依据', severity: 'blocking' as const, basis: '《行政许可法》第十四条' },
      { text: '措辞建议', severity: 'advisory' as const },
    ];
    // Requested on Wednesday: Tuesday and Wednesday, the first two counted days, are used.
    m.complete(
      openTask(m, 'origin_review').id,
      bjReviewer,
      { decision: 'request_changes', comments },
      '2026-03-04T03:00:00.000Z',
    );
    expect(m.state.stage).toBe('revision');
    expect(m.state.clock.runningSince).toBeUndefined();
    expect(m.state.clock.usedMsBeforeRun).toBe(2 * 86_400_000);
    expect(m.state.revisionLetters).toEqual([{ round: 1, at: '2026-03-04T03:00:00.000Z' }]);
    const [blocking] = pending(m).comments;
    const revision = openTask(m, 'revision');
    expect(revision.org).toBe(input.org);

    expect(
      refusal(() =>
        m.complete(revision.id, drafter, { decision: 'resubmit', version: 1, dispositions: [] }, at()),
      ).details?.map((d) => d.path),
    ).toEqual(['version', 'dispositions']);
    expect(
      refusal(() =>
        m.complete(
          revision.id,
          drafter,
          { decision: 'resubmit', version: 2, dispositions: [{ commentId: blocking.id, status: 'not_adopted' }] },
          at(),
        ),
      ).details?.[0].path,
    ).toBe('dispositions.0.reason');

    m.complete(
      revision.id,
      drafter,
      { decision: 'resubmit', version: 2, dispositions: [{ commentId: blocking.id, status: 'adopted' }] },
      at(),
      { articleNumbers: ['1', '2'] },
    );
    expect(m.state).toMatchObject({ stage: 'origin_review', version: 2, revisions: 1, articleNumbers: ['1', '2'] });
    expect(m.state.clock.runningSince).toBeDefined();
    expect(pending(m).dispositions).toEqual([expect.objectContaining({ commentId: blocking.id, status: 'adopted' })]);
    expect(history(m).map((h) => h.type)).toEqual(
      expect.arrayContaining(['clock_stopped', 'clock_resumed', 'resubmitted']),
    );
  });

  test('when sign-off returns the case, a new origin review opens and approval after revision is legal after revision', () => {
    const m = newMachine();
    m.complete(
      openTask(m, 'origin_review').id,
      bjReviewer,
      { decision: 'request_changes', comments: [{ text: '须修改', severity: 'amend' }] },
      at(),
    );
    const [amend] = pending(m).comments;
    m.complete(
      openTask(m, 'revision').id,
      drafter,
      { decision: 'resubmit', version: 2, dispositions: [{ commentId: amend.id, status: 'adopted' }] },
      at(),
      { articleNumbers: ['1'] },
    );
    m.complete(openTask(m, 'origin_review').id, bjReviewer, approve, at());
    m.complete(openTask(m, 'consultation', 'tianjin').id, tjReviewer, { decision: 'concur' }, at());
    m.complete(openTask(m, 'consultation', 'hebei').id, hbReviewer, { decision: 'concur' }, at());
    m.complete(openTask(m, 'signoff').id, bjSigner, { decision: 'return', opinion: '请补充风险评估结论' }, at());
    expect(m.state.stage).toBe('origin_review');
    m.complete(openTask(m, 'origin_review').id, bjReviewer, approve, at());
    m.complete(openTask(m, 'consultation', 'tianjin').id, tjReviewer, { decision: 'concur' }, at());
    m.complete(openTask(m, 'consultation', 'hebei').id, hbReviewer, { decision: 'concur' }, at());
    m.complete(openTask(m, 'signoff').id, bjSigner, { decision: 'sign' }, at());
    expect(m.state.outcome?.conclusion).toBe('legal_after_revision');
  });

  test('when rejected, the review closes as rejected with an illegal conclusion', () => {
    const m = newMachine();
    const checklist = allPass.map((c) =>
      c.item === 'competence' ? { item: c.item, result: 'fail' as const, note: '设定行政处罚' } : c,
    );
    m.complete(
      openTask(m, 'origin_review').id,
      bjReviewer,
      { decision: 'reject', checklist, opinion: '超越权限' },
      at(),
    );
    expect(m.stageRef()).toEqual({ status: 'rejected', stage: 'closed' });
    expect(m.state.outcome).toMatchObject({ conclusion: 'illegal', opinion: '超越权限' });
  });

  test('when the drafter withdraws, every open task is cancelled', () => {
    const m = newMachine();
    m.complete(openTask(m, 'origin_review').id, bjReviewer, approve, at());
    m.withdraw(drafter, at(), '政策调整');
    expect(m.stageRef()).toEqual({ status: 'withdrawn', stage: 'closed' });
    expect(m.state.tasks.filter((t) => t.kind === 'consultation').map((t) => t.status)).toEqual([
      'cancelled',
      'cancelled',
    ]);
    expect(refusal(() => m.withdraw(drafter, at())).code).toBe('conflict');
  });

  describe('refusals', () => {
    test('when a reviewer of another region acts on the origin review, it is forbidden', () => {
      const m = newMachine();
      expect(refusal(() => m.complete(openTask(m, 'origin_review').id, tjReviewer, approve, at())).code).toBe(
        'forbidden',
      );
    });

    test('when a drafter of another organisation resubmits or withdraws, it is forbidden', () => {
      const m = newMachine();
      const stranger: Actor = { ...drafter, org: '北京市教育委员会' };
      m.complete(
        openTask(m, 'origin_review').id,
        bjReviewer,
        { decision: 'request_changes', comments: [{ text: 'x' }] },
        at(),
      );
      expect(
        refusal(() => m.complete(openTask(m, 'revision').id, stranger, { decision: 'resubmit', version: 2 }, at()))
          .code,
      ).toBe('forbidden');
      expect(refusal(() => m.withdraw(stranger, at())).code).toBe('forbidden');
    });

    test('when a task is no longer open, a second decision is a conflict', () => {
      const m = newMachine();
      const task = openTask(m, 'origin_review');
      m.complete(task.id, bjReviewer, approve, at());
      expect(refusal(() => m.complete(task.id, bjReviewer, approve, at())).code).toBe('conflict');
    });

    test('when the decision does not fit the task, it is a validation failure', () => {
      const m = newMachine();
      expect(
        refusal(() => m.complete(openTask(m, 'origin_review').id, bjReviewer, { decision: 'sign' }, at())).details?.[0]
          .path,
      ).toBe('decision');
    });

    test('when checklist items are missing or an approval carries a failed check, the approval is refused', () => {
      const m = newMachine();
      const task = openTask(m, 'origin_review');
      const missing = refusal(() =>
        m.complete(task.id, bjReviewer, { decision: 'approve', checklist: allPass.slice(0, 5) }, at()),
      );
      expect(missing.details?.[0].message).toContain('公平竞争、区域协同一致性');
      const failed = allPass.map((c) => (c.item === 'form' ? { ...c, result: 'fail' as const } : c));
      const paths = refusal(() =>
        m.complete(task.id, bjReviewer, { decision: 'approve', checklist: failed }, at()),
      ).details?.map((d) => d.path);
      expect(paths).toEqual(['checklist.4.result', 'checklist.4.note']);
      expect(task.status).toBe('open');
    });

    test('when a comment names an article the version does not have, or a request carries no comment, it is refused', () => {
      const m = newMachine();
      const task = openTask(m, 'origin_review');
      expect(
        refusal(() =>
          m.complete(
            task.id,
            bjReviewer,
            { decision: 'request_changes', comments: [{ article: '9', text: 'x' }] },
            at(),
          ),
        ).details?.[0].path,
      ).toBe('comments.0.article');
      expect(
        refusal(() => m.complete(task.id, bjReviewer, { decision: 'request_changes' }, at())).details?.[0].path,
      ).toBe('comments');
      expect(
        refusal(() => m.complete(task.id, bjReviewer, { decision: 'reject', checklist: allPass }, at())).details?.[0]
          .path,
      ).toBe('opinion');
    });
  });
});

describe('deadlines', () => {
  // Monday 2026-03-02 10:00 CST: consultations are due at the end of Monday 2026-03-09 CST.
  const approvedAt = '2026-03-02T02:00:00.000Z';
  const consultationDue = '2026-03-09T16:00:00.000Z';
  const dayBefore = '2026-03-08T16:00:00.000Z';

  function inConsultation(): ReviewMachine {
    const m = newMachine();
    m.complete(openTask(m, 'origin_review').id, bjReviewer, approve, approvedAt);
    pending(m);
    return m;
  }

  test('when a consultation is one working day from its due date, its region is reminded once', () => {
    const m = inConsultation();
    expect(openTask(m, 'consultation', 'hebei').remindAt).toBe(dayBefore);
    expect(m.nextDeadline()).toBe(Date.parse(dayBefore));
    expect(m.fireDeadlines('2026-03-08T15:59:59.999Z')).toBe(false);

    expect(m.fireDeadlines(dayBefore)).toBe(true);
    const { notifications } = pending(m);
    expect(notifications.map((n) => [n.type, n.audience])).toEqual([
      ['reminder', { role: 'reviewer', region: 'tianjin' }],
      ['reminder', { role: 'reviewer', region: 'hebei' }],
    ]);
    expect(notifications[0]).toMatchObject({ dueAt: consultationDue, createdAt: dayBefore });
    expect(m.fireDeadlines(dayBefore)).toBe(false);
    expect(m.nextDeadline()).toBe(Date.parse(consultationDue));
  });

  test('when a consultation passes its deadline unanswered, it expires as no response and the review moves on', () => {
    const m = inConsultation();
    m.complete(openTask(m, 'consultation', 'tianjin').id, tjReviewer, { decision: 'concur' }, '2026-03-03T02:00:00Z');
    const hebeiTask = openTask(m, 'consultation', 'hebei');

    expect(m.fireDeadlines(consultationDue)).toBe(true);
    expect(m.state.tasks.find((t) => t.id === hebeiTask.id)).toMatchObject({
      status: 'expired',
      completedAt: consultationDue,
    });
    expect(m.state.consultations.hebei).toEqual({ status: 'no_response', taskId: hebeiTask.id });
    expect(m.state.stage).toBe('signoff'); // no response counts as no objection
    expect(history(m).map((h) => h.type)).toContain('consultation_expired');
    // No overdue notice or escalation (the sign-off it moved on to is a task notice).
    expect(pending(m).notifications.filter((n) => n.type === 'overdue' || n.type === 'escalation')).toEqual([]);

    const late = refusal(() =>
      m.complete(hebeiTask.id, hbReviewer, { decision: 'concur' }, '2026-03-10T02:00:00.000Z'),
    );
    expect(late.code).toBe('conflict');
  });

  test('when a sign-off passes its due date, it is marked overdue, its signers are told and supervisors escalated to', () => {
    const m = inConsultation();
    m.complete(openTask(m, 'consultation', 'tianjin').id, tjReviewer, { decision: 'concur' }, '2026-03-03T02:00:00Z');
    m.complete(openTask(m, 'consultation', 'hebei').id, hbReviewer, { decision: 'concur' }, '2026-03-03T03:00:00Z');
    const signoff = openTask(m, 'signoff');
    expect(signoff.dueAt).toBe('2026-03-06T16:00:00.000Z'); // 3 working days: Wed, Thu, Fri
    pending(m);

    expect(m.fireDeadlines(signoff.dueAt as string)).toBe(true);
    expect(openTask(m, 'signoff').overdueAt).toBe(signoff.dueAt);
    expect(
      pending(m)
        .notifications.map((n) => [n.id, n.type, n.audience])
        .sort(),
    ).toEqual([
      [`${signoff.id}:escalation`, 'escalation', { role: 'supervisor' }],
      [`${signoff.id}:overdue`, 'overdue', { role: 'signer', region: 'beijing' }],
    ]);
    // What is left is the whole review's own limit: the end of Monday 23 March.
    expect(m.nextDeadline()).toBe(Date.parse(REVIEW_DUE));
    // Late, but still the signer's to decide.
    m.complete(signoff.id, bjSigner, { decision: 'sign' }, '2026-03-09T02:00:00.000Z');
    expect(m.state.status).toBe('approved');
  });

  test('when a task has less than a working day when it opens, its reminder is due at once', () => {
    const compressed = accepted({
      submittedAt: '2026-03-02T02:00:00.000Z',
      timeModel: { workingDayMs: 1000 },
      policy: { ...DEFAULT_POLICY, consultationWorkingDays: 1 },
    });
    compressed.complete(openTask(compressed, 'origin_review').id, bjReviewer, approve, '2026-03-02T02:00:00.000Z');
    expect(openTask(compressed, 'consultation', 'hebei')).toMatchObject({
      dueAt: '2026-03-02T02:00:01.000Z',
      remindAt: '2026-03-02T02:00:00.000Z',
    });
  });

  test('when the drafter resubmits, the clock resumes with the balance it had and the new review is due by it', () => {
    const m = newMachine(); // accepted Monday 2026-03-02 09:00 CST: Tuesday is its first day
    // changes requested on Wednesday: Tuesday and Wednesday are used
    m.complete(
      openTask(m, 'origin_review').id,
      bjReviewer,
      { decision: 'request_changes', comments: [{ text: 'cite the basis' }] },
      '2026-03-04T01:00:00.000Z',
    );
    expect(m.state.clock).toMatchObject({ usedMsBeforeRun: 2 * 86_400_000 });
    // resubmitted on Monday 2026-03-16: 13 working days are left, counted from Tuesday
    m.complete(openTask(m, 'revision').id, drafter, { decision: 'resubmit', version: 2 }, '2026-03-16T01:00:00.000Z', {
      articleNumbers: ['1'],
    });
    expect(history(m).find((h) => h.type === 'clock_resumed')?.note).toBe('13 working days left');
    expect(openTask(m, 'origin_review').dueAt).toBe('2026-04-02T16:00:00.000Z'); // the end of Thursday 2 April
  });

  test('when consultations open late in the review, each region still gets its full limit and the review itself goes overdue first', () => {
    const m = newMachine(); // accepted Monday 2 March; the review is due by the end of Monday 23 March
    m.complete(openTask(m, 'origin_review').id, bjReviewer, approve, '2026-03-19T01:00:00.000Z'); // Thursday
    expect(m.state.clock.dueAt).toBe(REVIEW_DUE);
    expect(openTask(m, 'consultation', 'hebei').dueAt).toBe('2026-03-26T16:00:00.000Z'); // 5 working days
    pending(m);

    expect(m.fireDeadlines(REVIEW_DUE)).toBe(true);
    expect(m.state.overdueAt).toBe(REVIEW_DUE);
    expect(m.state.stage).toBe('consultation');
    expect(pending(m).notifications).toEqual([
      expect.objectContaining({
        id: `${input.reviewId}:escalation`,
        type: 'escalation',
        audience: { role: 'supervisor' },
        dueAt: REVIEW_DUE,
      }),
    ]);
    expect(history(m).map((h) => h.type)).toEqual(expect.arrayContaining(['review_overdue', 'escalated']));
    expect(m.nextDeadline()).toBe(Date.parse('2026-03-25T16:00:00.000Z')); // the consultations' reminders
  });

  test('when the origin review runs out with the review, supervisors get one escalation, about the task', () => {
    const m = newMachine();
    const origin = openTask(m, 'origin_review');
    pending(m);
    expect(m.fireDeadlines(origin.dueAt as string)).toBe(true);
    expect(m.state.overdueAt).toBe(origin.dueAt);
    const escalations = pending(m).notifications.filter((n) => n.type === 'escalation');
    expect(escalations.map((n) => n.id)).toEqual([`${origin.id}:escalation`]);
  });

  test('when the draft is marked urgent, consultations are on the fast track of 2 working days', () => {
    const m = accepted({ urgent: true });
    // approved Friday 2026-03-06 10:00 CST: Monday and Tuesday count, the weekend does not
    m.complete(openTask(m, 'origin_review').id, bjReviewer, approve, '2026-03-06T02:00:00.000Z');
    expect(openTask(m, 'consultation', 'tianjin').dueAt).toBe('2026-03-10T16:00:00.000Z');
  });
});

describe('intake, returns and extensions', () => {
  test('when materials are missing, the drafting office supplies them and intake starts again; the clock starts only at acceptance', () => {
    const m = submitted();
    const intake = openTask(m, 'intake');
    const refused = refusal(() => m.complete(intake.id, bjReviewer, { decision: 'request_materials' }, at()));
    expect(refused.details?.map((d) => d.path)).toEqual(['missing', 'opinion']);

    m.complete(
      intake.id,
      bjReviewer,
      { decision: 'request_materials', missing: ['fairCompetitionConclusion'], opinion: '请补充公平竞争审查结论' },
      '2026-03-02T03:00:00.000Z',
    );
    const supplement = openTask(m, 'supplement');
    expect(supplement).toMatchObject({ role: 'drafter', org: input.org, dueAt: null });
    expect(m.state.stage).toBe('intake');
    expect(m.state.clock.runningSince).toBeUndefined();
    expect(
      refusal(() => m.complete(supplement.id, drafter, { decision: 'supplement', materials: {} }, at())).details?.[0]
        .path,
    ).toBe('materials');

    m.complete(
      supplement.id,
      drafter,
      { decision: 'supplement', materials: { fairCompetitionConclusion: '经审查，不涉及' } },
      '2026-03-05T03:00:00.000Z',
    );
    expect(pending(m).materials).toEqual([
      { documentId: 'doc1', version: 1, materials: { fairCompetitionConclusion: '经审查，不涉及' } },
    ]);
    // Accepted on Friday 6 March: the 15 working days run from Monday 9 March to the end of Friday 27 March.
    m.complete(openTask(m, 'intake').id, bjReviewer, { decision: 'accept' }, '2026-03-06T03:00:00.000Z');
    expect(m.state).toMatchObject({ stage: 'origin_review', acceptedAt: '2026-03-06T03:00:00.000Z' });
    expect(m.state.clock).toMatchObject({
      runningSince: '2026-03-06T16:00:00.000Z',
      dueAt: '2026-03-27T16:00:00.000Z',
    });
  });

  test('when a draft is returned at intake or at origin review, the review closes returned, without a verdict', () => {
    for (const at of ['intake', 'origin_review'] as const) {
      const m = at === 'intake' ? submitted() : newMachine();
      const task = openTask(m, at);
      expect(
        refusal(() => m.complete(task.id, bjReviewer, { decision: 'return', opinion: '退回' }, '2026-03-03T01:00:00Z'))
          .details?.[0].path,
      ).toBe('grounds');
      m.complete(
        task.id,
        bjReviewer,
        { decision: 'return', grounds: 'not_normative_document', opinion: '不属于规范性文件' },
        '2026-03-03T01:00:00Z',
      );
      expect(m.stageRef()).toEqual({ status: 'returned', stage: 'closed' });
      expect(m.state.outcome).toMatchObject({ conclusion: 'returned', opinion: '不属于规范性文件' });
      const closing = drain(m).find((e) => e.type === 'returned');
      expect(closing?.data).toMatchObject({ grounds: 'not_normative_document', conclusion: 'returned' });
    }
  });

  test('when the origin reviewer asks for more time and the head approves, the limit grows by the days approved', () => {
    const m = newMachine(); // due by the end of Monday 23 March
    expect(refusal(() => m.requestExtension(bjSigner, 5, '复杂', at())).code).toBe('forbidden');
    const task = m.requestExtension(bjReviewer, 5, '涉及多部上位法，需专家论证', '2026-03-10T02:00:00.000Z');
    expect(task).toMatchObject({ kind: 'extension', role: 'signer', region: 'beijing' });
    expect(m.state.stage).toBe('origin_review'); // a side task: the review stays where it is
    expect(refusal(() => m.requestExtension(bjReviewer, 2, '再延', at())).code).toBe('conflict');
    expect(refusal(() => m.complete(task.id, bjSigner, { decision: 'refuse' }, at())).details?.[0].path).toBe(
      'opinion',
    );

    m.complete(task.id, bjSigner, { decision: 'approve' }, '2026-03-11T02:00:00.000Z');
    expect(m.state.extensions).toEqual([
      expect.objectContaining({
        workingDays: 5,
        status: 'approved',
        decidedBy: expect.objectContaining({ sub: 's1' }),
      }),
    ]);
    // Five more working days: from the end of Monday 23 March to the end of Monday 30 March.
    expect(m.state.clock).toMatchObject({ limitWorkingDays: 20, dueAt: '2026-03-30T16:00:00.000Z' });
    // The origin review ran on the review's clock: its due date and reminder move with it.
    expect(openTask(m, 'origin_review')).toMatchObject({
      dueAt: '2026-03-30T16:00:00.000Z',
      remindAt: '2026-03-29T16:00:00.000Z',
    });
    const max = refusal(() => m.requestExtension(bjReviewer, 11, '再延', at()));
    expect(max.details?.[0]).toMatchObject({ path: 'workingDays', message: '最多还能延长10个工作日' });

    const refusedOne = m.requestExtension(bjReviewer, 3, '补充论证', '2026-03-12T02:00:00.000Z');
    m.complete(refusedOne.id, bjSigner, { decision: 'refuse', opinion: '无正当理由' }, '2026-03-12T03:00:00.000Z');
    expect(m.state.extensions[1]).toMatchObject({ status: 'refused', opinion: '无正当理由' });
    expect(m.state.clock.limitWorkingDays).toBe(20);
  });

  test('when more time is asked before the materials are accepted, it is refused: no clock runs yet', () => {
    expect(refusal(() => submitted().requestExtension(bjReviewer, 5, '复杂', at())).code).toBe('conflict');
  });

  test('when a review gets fewer than 5 working days, acceptance warns but does not refuse', () => {
    const m = accepted({ urgent: true, policy: { ...DEFAULT_POLICY, urgentReviewWorkingDays: 3 } });
    expect(m.state.stage).toBe('origin_review');
    expect(m.state.warnings).toEqual([expect.stringContaining('fewer than the 5')]);
    expect(accepted().state.warnings).toEqual([]);
  });

  test('when a limit runs across a public holiday, it ends at the end of its last working day, counted from the day after', () => {
    // Accepted on Monday 28 September 2026 with 5 working days: Tuesday 29 and Wednesday 30 September,
    // then the National Day holiday (1-7 October), Thursday 8, Friday 9 and Saturday 10 October (调休).
    const m = accepted(
      { submittedAt: '2026-09-28T02:00:00.000Z', policy: { ...DEFAULT_POLICY, reviewWorkingDays: 5 } },
      '2026-09-28T02:00:00.000Z',
    );
    expect(m.state.clock.dueAt).toBe('2026-10-10T16:00:00.000Z');
    expect(openTask(m, 'origin_review').dueAt).toBe('2026-10-10T16:00:00.000Z');
  });

  test('when a consolidation answers the consulted regions, its dispositions must name their comments on this version', () => {
    const m = newMachine();
    m.complete(openTask(m, 'origin_review').id, bjReviewer, approve, at());
    m.complete(
      openTask(m, 'consultation', 'tianjin').id,
      tjReviewer,
      {
        decision: 'concur_with_comments',
        comments: [{ article: '1', text: '建议与天津规定衔接' }],
      },
      at(),
    );
    m.complete(openTask(m, 'consultation', 'hebei').id, hbReviewer, { decision: 'concur' }, at());
    const [tianjin] = pending(m).comments;
    const consolidation = openTask(m, 'consolidation');
    const bad = refusal(() =>
      m.complete(
        consolidation.id,
        bjReviewer,
        {
          decision: 'proceed',
          opinion: '已研究',
          dispositions: [
            { commentId: 'nope', status: 'adopted' },
            { commentId: tianjin.id, status: 'not_adopted' },
          ],
        },
        at(),
      ),
    );
    expect(bad.details?.map((d) => d.path)).toEqual(['dispositions.0.commentId', 'dispositions.1.reason']);
    m.complete(
      consolidation.id,
      bjReviewer,
      {
        decision: 'proceed',
        opinion: '已研究',
        dispositions: [{ commentId: tianjin.id, status: 'not_adopted', reason: '不属于协同事项' }],
      },
      at(),
    );
    expect(m.state.stage).toBe('signoff');
  });
});

describe('a calendar loaded while a review runs on compressed time', () => {
  const since = input.submittedAt; // the simulated clock reads Monday 1 February 2027, 00:00 CST here
  const real = (simulatedDays: number) => new Date(Date.parse(since) + simulatedDays * 2000).toISOString();
  /** The notice moves the provisional Spring Festival (5–12 February) to 10–17 February. */
  const notice = {
    year: 2027,
    source: '国务院办公厅关于2027年部分节假日安排的通知（测试）',
    holidays: [['2027-02-10', '2027-02-17']] as [string, string][],
    workingWeekendDays: [],
  };
  function consulting(timeModel: ReviewInput['timeModel']): ReviewMachine {
    const m = accepted({ timeModel });
    m.complete(openTask(m, 'origin_review').id, bjReviewer, approve, real(0.25)); // Monday 06:00 (simulated)
    drain(m);
    return m;
  }

  test('on a simulated clock, the consultations are re-dated on it, calendar_updated is emitted and the next timer is the new reminder', () => {
    const m = consulting({ simulated: { since, date: '2027-02-01', dayMs: 2000 } });
    // Bundled: Tuesday to Thursday, the holiday and the weekend skipped, then Monday 15 and Tuesday 16.
    expect(openTask(m, 'consultation', 'hebei').dueAt).toBe(real(16));
    expect(m.useCalendar(notice, real(0.5))).toBe(true);
    // Moved: Tuesday 2 to Friday 5, then Monday 8: due by the end of 8 February, reminded at the end of the 5th.
    expect(openTask(m, 'consultation', 'hebei')).toMatchObject({ dueAt: real(8), remindAt: real(7) });
    expect(openTask(m, 'consultation', 'tianjin')).toMatchObject({ dueAt: real(8), remindAt: real(7) });
    expect(m.drainEvents()).toEqual([
      expect.objectContaining({ type: 'calendar_updated', data: expect.objectContaining({ year: 2027 }) }),
    ]);
    expect(m.nextDeadline()).toBe(Date.parse(real(7)));
  });

  test('on plain compressed time (workingDayMs, as recorded histories have it), nothing moves and nothing is emitted', () => {
    const m = consulting({ workingDayMs: 2000 });
    const before = m.state.tasks.map((t) => t.dueAt);
    expect(m.useCalendar(notice, real(0.5))).toBe(false);
    expect(m.state.tasks.map((t) => t.dueAt)).toEqual(before);
    expect(m.drainEvents()).toEqual([]);
  });
});
