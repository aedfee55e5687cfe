/**
 * Seeding a store with reviews through the app's own write path, at bulk-insert speed.
 *
 * A planned journey (`plans.ts`) is played as the app handles its requests, with the app's own code
 * wherever something is written: the draft, its versions and the document's claim are built by the
 * use cases' builders (features/); each request becomes the workflow's message, each transition is
 * planned on a fork of the `ReviewMachine` and turned into the recording's input, and its numbers
 * taken back, by the workflow's own step (workflows/transition.ts), with the deadlines the
 * workflow's timer fires in between; each transition is stored by the recording activity's own
 * `recordTransition` (activities/recording.ts). What is recorded goes into a `BulkRecordingStore`
 * (store/bulk-recording-store.ts), which inserts it with one `insertMany` per collection every
 * `batchSize` reviews; numbers run on from the highest the store holds in each series.
 */
import { actorOf } from '../../api/auth';
import { recordTransition, type RecordingSettings } from '../../activities/recording';
import { draftingOrg } from '../../features/access';
import { documentBodySchema } from '../../features/documents/schemas';
import { documentRecord, versionRecord } from '../../features/documents/use-cases';
import { withdrawBodySchema } from '../../features/reviews/schemas';
import { claimRecord, reviewInput } from '../../features/reviews/use-cases';
import { completeTaskBodySchema } from '../../features/tasks/schemas';
import { DEFAULT_POLICY, type ReviewPolicy, type TimeModel } from '../../domain/clock';
import {
  reviewWorkflowId,
  type CompleteTaskRequest,
  type ReviewInput,
  type WithdrawRequest,
} from '../../domain/messages';
import type { Region, TaskKind, TaskRecord } from '../../domain/model';
import { DEFAULT_NUMBER_FORMATS, DEFAULT_OFFICES, type NumberFormats, type ReviewOffices } from '../../domain/offices';
import { GENESIS_HASH } from '../../domain/review-log';
import { BulkRecordingStore } from '../../store/bulk-recording-store';
import type { DocumentDoc, Models, ReviewClaimDoc, VersionDoc } from '../../store/models';
import type { RecordingStore } from '../../store/recording-store';
import { ReviewMachine } from '../../workflows/review-machine';
import { plannedRecording, takeNumbers } from '../../workflows/transition';
import type { ReviewPlan } from './plans';

/** The review settings the app runs with (`platform/config.ts`); the defaults unless configured. */
export interface SeedSettings {
  policy: ReviewPolicy;
  timeModel: TimeModel;
  /** REVIEW_OFFICES and NUMBER_FORMATS: how records name the review bodies and write numbers. */
  offices: ReviewOffices;
  numberFormats: NumberFormats;
}
export const DEFAULT_SEED_SETTINGS: SeedSettings = {
  policy: DEFAULT_POLICY,
  timeModel: {},
  offices: DEFAULT_OFFICES,
  numberFormats: DEFAULT_NUMBER_FORMATS,
};

/** Where a played journey is written: the recording's store, and the API's writes beside it. */
export interface SeedStore extends RecordingStore {
  addDocument(document: DocumentDoc): void | Promise<void>;
  addVersion(version: VersionDoc): void | Promise<void>;
  addClaim(claim: ReviewClaimDoc): void | Promise<void>;
}

/** The instant the app's clock reads: the request's, or the deadline's that the timer fires. */
interface Clock {
  now: Date;
}

/** What crosses Temporal's JSON payload converter arrives without `undefined` and as a copy. */
function throughPayload<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * A review's workflow as `workflows/review.ts` runs it: each transition planned on a fork,
 * recorded, then adopted; the deadlines its timer fires, one wake-up at a time.
 */
class PlayedReview {
  private lastHash = GENESIS_HASH;

  private constructor(
    private machine: ReviewMachine,
    private readonly store: RecordingStore,
    private readonly settings: RecordingSettings,
  ) {}

  /** The submission: the first transition (submitted, clock started, intake open). */
  static async start(
    input: ReviewInput,
    requestId: string,
    newId: () => string,
    store: RecordingStore,
    settings: RecordingSettings,
  ): Promise<PlayedReview> {
    const review = new PlayedReview(ReviewMachine.submit(input, newId), store, settings);
    await review.record(review.machine, requestId);
    return review;
  }

  openTask(kind: TaskKind, region: Region): TaskRecord | undefined {
    return this.machine.state.tasks.find((t) => t.status === 'open' && t.kind === kind && t.region === region);
  }

  /** A transition planned on a fork of the review, recorded, then adopted. */
  async transition(plan: (draft: ReviewMachine) => unknown, requestId?: string): Promise<void> {
    const draft = this.machine.fork();
    plan(draft);
    await this.record(draft, requestId);
  }

  /** Fires every deadline the workflow's timer reaches by `until`, each at its instant. */
  async fireDeadlinesUntil(until: string, clock: Clock): Promise<void> {
    for (;;) {
      const next = this.machine.state.status === 'in_review' ? this.machine.nextDeadline() : undefined;
      if (next === undefined || next > Date.parse(until)) return;
      const seen = this.machine.state.lastSeq;
      clock.now = new Date(next);
      await this.transition((draft) => draft.fireDeadlines(clock.now.toISOString()));
      if (this.machine.state.lastSeq === seen)
        throw new Error(`the deadline at ${clock.now.toISOString()} fired nothing`);
    }
  }

  private async record(draft: ReviewMachine, requestId: string | undefined): Promise<void> {
    const workflowId = draft.state.reviewId;
    const planned = plannedRecording(draft, { workflowId, prevHash: this.lastHash, requestId });
    if (!planned) return;
    const result = await recordTransition(this.store, this.settings, throughPayload(planned));
    takeNumbers(draft, planned.events, result.numbers);
    this.lastHash = result.lastHash;
    this.machine = draft;
  }
}

/**
 * Plays the first `stepCount` requests of `plan` (all by default) and writes what the app would
 * have written for them to `store`.
 */
export async function playPlan(
  plan: ReviewPlan,
  store: SeedStore,
  settings = DEFAULT_SEED_SETTINGS,
  stepCount = plan.steps.length,
): Promise<void> {
  const clock: Clock = { now: new Date(plan.create.at) };
  const recording: RecordingSettings = {
    formats: settings.numberFormats,
    offices: settings.offices,
    now: () => clock.now,
  };
  const commentIds = [...plan.commentIds];
  const newId = () => {
    const id = commentIds.shift();
    if (id === undefined) throw new Error(`plan of ${plan.documentId} hands out more comment ids than it planned`);
    return id;
  };

  // POST /v1/documents: version 1, then the document (the store's timestamps: the request's instant).
  const creator = actorOf(plan.create.by);
  const org = draftingOrg(creator);
  if (org === undefined) throw new Error(`plan of ${plan.documentId}: the draft's creator is no drafter`);
  const document = { ...documentRecord(plan.documentId, creator, org), createdAt: clock.now, updatedAt: clock.now };
  const versions = [versionRecord(plan.documentId, 1, documentBodySchema.parse(plan.create.body), creator, clock.now)];
  await store.addVersion(versions[0]);
  await store.addDocument(document);
  const latest = () => versions[versions.length - 1];

  let review: PlayedReview | undefined;
  for (const step of plan.steps.slice(0, stepCount)) {
    if (review) await review.fireDeadlinesUntil(step.at, clock);
    clock.now = new Date(step.at);
    const actor = actorOf(step.by);
    if (step.type === 'submit') {
      // POST /v1/documents/:id/reviews: the claim, then the workflow's start.
      const reviewId = reviewWorkflowId(plan.documentId, 1);
      await store.addClaim(claimRecord(plan.documentId, reviewId, clock.now));
      const input = reviewInput({
        reviewId,
        doc: document,
        version: latest(),
        drafter: actor,
        urgent: undefined,
        at: clock.now,
        config: settings,
      });
      review = await PlayedReview.start(throughPayload(input), step.requestId, newId, store, recording);
      continue;
    }
    if (step.type === 'revise') {
      // POST /v1/documents/:id/versions.
      const version = versionRecord(
        plan.documentId,
        latest().version + 1,
        documentBodySchema.parse(step.body),
        actor,
        clock.now,
      );
      versions.push(version);
      await store.addVersion(version);
      continue;
    }
    if (!review) throw new Error(`plan of ${plan.documentId}: ${step.type} before the submission`);
    const at = step.at;
    if (step.type === 'withdraw') {
      // POST /v1/reviews/:id/withdraw.
      const { reason } = withdrawBodySchema.parse(step.body);
      const request = throughPayload<WithdrawRequest>({ actor, ...(reason && { reason }) });
      await review.transition((draft) => draft.withdraw(request.actor, at, request.reason), step.requestId);
      continue;
    }
    // POST /v1/tasks/:id/complete; a resubmission names the current version by default, with its articles.
    const task = review.openTask(step.task.kind, step.task.region);
    if (!task)
      throw new Error(`plan of ${plan.documentId}: no open ${step.task.kind} task of ${step.task.region} at ${at}`);
    const message: CompleteTaskRequest = {
      taskId: task.id,
      actor,
      input: { ...completeTaskBodySchema.parse(step.body) },
    };
    if (message.input.decision === 'resubmit') {
      message.input.version ??= latest().version;
      const named = versions.find((v) => v.version === message.input.version);
      if (named) message.articleNumbers = named.articles.map((a) => a.number);
    }
    const sent = throughPayload(message);
    await review.transition(
      (draft) =>
        draft.complete(
          sent.taskId,
          sent.actor,
          sent.input,
          at,
          sent.articleNumbers && { articleNumbers: sent.articleNumbers },
        ),
      step.requestId,
    );
  }
  if (!review) throw new Error(`plan of ${plan.documentId} has no submission`);
}

/**
 * Records `plans` and inserts them in batches of `batchSize`, numbered after the numbers the store
 * holds (so seeding a store in several calls, with the app taking numbers in between, continues
 * each series); `onBatch` hears of the progress.
 */
export async function seedReviews(
  models: Models,
  plans: Iterable<ReviewPlan>,
  {
    settings = DEFAULT_SEED_SETTINGS,
    batchSize = 500,
    onBatch,
  }: { settings?: SeedSettings; batchSize?: number; onBatch?: (done: number) => void } = {},
): Promise<number> {
  const store = await BulkRecordingStore.continuing(models);
  let done = 0;
  let held = 0;
  const flush = async () => {
    await store.flush(models);
    done += held;
    held = 0;
    onBatch?.(done);
  };
  for (const plan of plans) {
    await playPlan(plan, store, settings);
    if (++held >= batchSize) await flush();
  }
  await flush();
  return done;
}
