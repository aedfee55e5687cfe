/**
 * No workflow type is a side door: every type the worker registers refuses a start that the API did
 * not sign, and the type release 1 registered (which trusted whatever actor it was given) is gone.
 * Each is started straight through Temporal with a forged actor, and nothing reaches the store.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { completeTaskUpdate, reviewWorkflowId, type ReviewInput } from '../domain/messages';
import { parseSigningKeys, signRequest } from '../platform/signing';
import * as registered from '../workflows';
import { eventually, startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const forger = { sub: 'forged-signer', name: '伪造', region: 'beijing' as const, roles: ['signer' as const] };

function reviewInput(): ReviewInput {
  const documentId = randomUUID();
  return {
    reviewId: reviewWorkflowId(documentId, 1),
    documentId,
    originRegion: 'beijing',
    org: '北京市交通委员会',
    drafter: { sub: forger.sub, name: forger.name },
    version: 1,
    articleNumbers: ['1'],
    urgent: false,
    submittedAt: new Date().toISOString(),
    policy: h.config.policy,
    timeModel: {},
  };
}

/** What the store holds under a review id: nothing, for a forged one. */
async function storedFor(reviewId: string): Promise<number> {
  const counts = await Promise.all([
    h.models.Review.countDocuments({ _id: reviewId }),
    h.models.Task.countDocuments({ reviewId }),
    h.models.Event.countDocuments({ reviewId }),
    h.models.Comment.countDocuments({ reviewId }),
  ]);
  return counts.reduce((a, b) => a + b, 0);
}

const starts = {
  unsigned: (input: ReviewInput) => ({ body: input }),
  'signed with a key the API does not hold': (input: ReviewInput) =>
    signRequest(parseSigningKeys('forger-1:a-key-that-only-the-forger-has-0123456789'), 'start', input.reviewId, input),
};

describe.each(Object.keys(registered))('the registered workflow type %s', (type) => {
  test.each(Object.keys(starts) as (keyof typeof starts)[])(
    'when started straight through Temporal %s, it fails and records nothing',
    async (how) => {
      const input = reviewInput();
      const handle = await h.client.workflow.start(type, {
        workflowId: input.reviewId,
        taskQueue: h.config.temporal.taskQueue,
        args: [starts[how](input)],
      });
      // A forged decision sent alongside is refused too.
      const update = handle
        .executeUpdate(completeTaskUpdate, {
          args: [{ body: { taskId: `${input.reviewId}:t1`, actor: forger, input: { decision: 'accept' } } } as never],
        })
        .catch((err: unknown) => err);
      await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
      expect(await update).toBeInstanceOf(Error);
      expect(await storedFor(input.reviewId)).toBe(0);
    },
  );
});

test("when release 1's workflow type is started with a forged actor, no worker runs it and nothing is recorded", async () => {
  expect(Object.keys(registered)).not.toContain('reviewWorkflow');
  const input = reviewInput();
  const handle = await h.client.workflow.start('reviewWorkflow', {
    workflowId: input.reviewId,
    taskQueue: h.config.temporal.taskQueue,
    args: [{ ...input, actor: forger }],
  });
  try {
    // The worker cannot run it: its workflow task fails, over and over, and nothing is stored.
    await eventually(async () => {
      const history = await handle.fetchHistory();
      const failed = temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED;
      return history.events?.some((e) => e.eventType === failed) ? true : undefined;
    }, 'the worker to refuse the unknown type');
    expect(await storedFor(input.reviewId)).toBe(0);
  } finally {
    await handle.terminate('test done');
  }
});
