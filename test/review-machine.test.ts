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

function newMachine(): ReviewMachine {
  let n = 0;
  return ReviewMachine.submit(input, () => `c${++n}`);
}

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
  return sideRecords(m.state.reviewId, m.state.documentId, fresh);
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
  test('when submitted, an origin review task opens for the origin region and the clock runs', () => {
    const m = newMachine();
    expect(m.state.stage).toBe('origin_review');
    expect(m.state.tasks).toHaveLength(1);
    expect(m.state.tasks[0]).toMatchObject({
      kind: 'origin_review',
      region: 'beijing',
      role: 'reviewer',
      status: 'open',
      version: 1,
    });
    expect(m.state.clock.runningSince).toBe(input.submittedAt);
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
    // The origin review was due with the whole review: 15 working days from submission, to the minute.
    expect(m.state.tasks[0].dueAt).toBe('2026-03-23T01:00:00.000Z');
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
    m.complete(openTask(m, 'origin_review').id, bjReviewer, { decision: 'request_changes', comments }, at());
    expect(m.state.stage).toBe('revision');
    expect(m.state.clock.runningSince).toBeUndefined();
    expect(m.state.clock.usedMsBeforeRun).toBeGreaterThan(0);
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
      expect(missing.details?.[0].message).toContain('fair_competition, regional_consistency');
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
    expect(pending(m).notifications.filter((n) => n.type !== 'reminder')).toEqual([]);

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
    // What is left is the whole review's own limit: 15 working days from Monday 2 March 09:00 CST.
    expect(m.nextDeadline()).toBe(Date.parse('2026-03-23T01:00:00.000Z'));
    // Late, but still the signer's to decide.
    m.complete(signoff.id, bjSigner, { decision: 'sign' }, '2026-03-09T02:00:00.000Z');
    expect(m.state.status).toBe('approved');
  });

  test('when a task has less than a working day when it opens, its reminder is due at once', () => {
    const compressed = ReviewMachine.submit(
      {
        ...input,
        submittedAt: '2026-03-02T02:00:00.000Z',
        timeModel: { workingDayMs: 1000 },
        policy: { ...DEFAULT_POLICY, consultationWorkingDays: 1 },
      },
      () => 'c',
    );
    compressed.complete(openTask(compressed, 'origin_review').id, bjReviewer, approve, '2026-03-02T02:00:00.000Z');
    expect(openTask(compressed, 'consultation', 'hebei')).toMatchObject({
      dueAt: '2026-03-02T02:00:01.000Z',
      remindAt: '2026-03-02T02:00:00.000Z',
    });
  });

  test('when the drafter resubmits, the clock resumes with the balance it had and the new review is due by it', () => {
    const m = newMachine(); // submitted Monday 2026-03-02 09:00 CST
    // request changes after exactly 2 working days (Wednesday 09:00 CST)
    m.complete(
      openTask(m, 'origin_review').id,
      bjReviewer,
      { decision: 'request_changes', comments: [{ text: 'cite the basis' }] },
      '2026-03-04T01:00:00.000Z',
    );
    expect(m.state.clock).toMatchObject({ usedMsBeforeRun: 2 * 86_400_000 });
    // resubmitted on Monday 2026-03-16 09:00 CST: 13 working days are left
    m.complete(openTask(m, 'revision').id, drafter, { decision: 'resubmit', version: 2 }, '2026-03-16T01:00:00.000Z', {
      articleNumbers: ['1'],
    });
    expect(history(m).find((h) => h.type === 'clock_resumed')?.note).toBe('13 working days left');
    expect(openTask(m, 'origin_review').dueAt).toBe('2026-04-02T01:00:00.000Z'); // Thursday 2 April 09:00 CST
  });

  test('when consultations open late in the review, each region still gets its full limit and the review itself goes overdue first', () => {
    const m = newMachine(); // submitted Monday 2 March 09:00 CST; the review is due Monday 23 March 09:00 CST
    m.complete(openTask(m, 'origin_review').id, bjReviewer, approve, '2026-03-19T01:00:00.000Z'); // Thursday
    expect(m.state.clock.dueAt).toBe('2026-03-23T01:00:00.000Z');
    expect(openTask(m, 'consultation', 'hebei').dueAt).toBe('2026-03-26T16:00:00.000Z'); // 5 working days
    pending(m);

    expect(m.fireDeadlines('2026-03-23T01:00:00.000Z')).toBe(true);
    expect(m.state.overdueAt).toBe('2026-03-23T01:00:00.000Z');
    expect(m.state.stage).toBe('consultation');
    expect(pending(m).notifications).toEqual([
      expect.objectContaining({
        id: `${input.reviewId}:escalation`,
        type: 'escalation',
        audience: { role: 'supervisor' },
        dueAt: '2026-03-23T01:00:00.000Z',
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
    const m = ReviewMachine.submit({ ...input, urgent: true }, () => 'c');
    // approved Friday 2026-03-06 10:00 CST: Monday and Tuesday count, the weekend does not
    m.complete(openTask(m, 'origin_review').id, bjReviewer, approve, '2026-03-06T02:00:00.000Z');
    expect(openTask(m, 'consultation', 'tianjin').dueAt).toBe('2026-03-10T16:00:00.000Z');
  });
});
