/**
 * What the API answers, defined once in zod. api/openapi.ts turns these into the response schemas
 * of `/openapi.json` (and so into the console's generated client types), and
 * test/openapi-responses.test.ts parses real answers with them, so the documented shape and the
 * implementation cannot drift apart unnoticed.
 *
 * They describe answers, not inputs: objects are not strict (an answer may carry more than is
 * documented) and, unless a field is promised, it may be absent (`.partial()`).
 */
import { extendZodWithOpenApi, OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import {
  CHECK_ITEMS,
  CHECK_RESULTS,
  CONCLUSIONS,
  CONSULTATION_STATUSES,
  DISPOSITION_STATUSES,
  EXTENSION_STATUSES,
  MATERIAL_KINDS,
  NOTIFICATION_TYPES,
  REGIONS,
  RETURN_GROUNDS,
  DOCUMENT_STATUSES,
  REVIEW_STATUSES,
  ROLES,
  SEVERITIES,
  STAGES,
  TASK_KINDS,
  TASK_STATUSES,
} from '../domain/model';
import { ASSIST_CATEGORIES } from '../domain/assist';
import { SUBJECT_TYPES } from '../domain/exchange';
import { EVENT_TYPES } from '../domain/review-log';
import type { Opinion } from '../domain/written-record';
import { devTokenBodySchema } from './dev-signin';
import { STATUS_BY_CODE, type ErrorCode } from '../features/errors';
import { taskDraftBodySchema } from '../features/tasks/schemas';

// The registry names a schema as a component (`#/components/schemas/<name>`) through `.openapi(name)`.
extendZodWithOpenApi(z);

/** The named response schemas, in the order `components.schemas` lists them. */
export const responseSchemas = new OpenAPIRegistry();

const isoTime = z.iso.datetime({ offset: true });
const integer = z.number().int();
/** A JSON object whose fields this document does not list. */
const someObject = z.record(z.string(), z.unknown());

const actorRef = z
  .object({ sub: z.string(), name: z.string(), region: z.enum(REGIONS), role: z.enum(ROLES) })
  .partial();

/** A person as a record names them. */
const person = z.object({ sub: z.string(), name: z.string().optional() });

/** `{ items: [schema], nextCursor }`: a page of a list (paging.ts). */
export function page<Item extends z.ZodType>(item: Item) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().optional().describe('pass as `cursor` for the next page; null on the last'),
  });
}

export const ErrorBody = responseSchemas.register(
  'Error',
  z.object({
    error: z.object({
      code: z.enum(Object.keys(STATUS_BY_CODE) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      details: z.unknown().optional().describe('for validation_failed: [{ path, message }]'),
    }),
  }),
);

export const DocumentView = responseSchemas.register(
  'Document',
  z
    .object({
      id: z.string(),
      title: z.string(),
      docType: z.string(),
      summary: z.string(),
      region: z.enum(REGIONS),
      org: z.string(),
      status: z.enum(DOCUMENT_STATUSES),
      currentVersion: integer,
      versions: z.array(z.object({ version: integer, createdAt: isoTime }).partial()),
      activeReviewId: z.string().nullable(),
      reviewCount: integer.describe('how many reviews the document has had'),
      createdBy: person,
      attachments: z
        .array(
          z.object({
            id: z.string(),
            name: z.string(),
            contentType: z.string(),
            size: integer,
            sha256: z.string(),
            kind: z.enum(MATERIAL_KINDS),
            uploadedAt: isoTime,
          }),
        )
        .describe('read one document: its attached files (POST /v1/documents/:id/attachments)'),
      validUntil: z.string().describe('once issued: publishedOn + validityYears (YYYY-MM-DD)'),
      issuance: z
        .object({
          documentNumber: z.string(),
          issuedOn: z.string(),
          publishedOn: z.string(),
          publishedIn: z.string(),
          validityYears: integer,
          validUntil: z.string(),
          status: z.enum(['issued', 'expired', 'repealed']),
          reviewId: z.string(),
          version: integer,
          filingId: z.string(),
          repealedAt: isoTime,
          repealReason: z.string(),
          expiredAt: isoTime,
        })
        .partial()
        .describe('once issued (POST /v1/documents/:id/issuance)'),
      createdAt: isoTime,
      updatedAt: isoTime,
    })
    .partial(),
);

export const VersionView = responseSchemas.register(
  'Version',
  z
    .object({
      documentId: z.string(),
      version: integer,
      title: z.string(),
      docType: z.string(),
      summary: z.string(),
      articles: z.array(z.object({ number: z.string(), text: z.string() }).partial()),
      legalBasis: z.array(z.string()),
      materials: someObject,
      urgent: z.boolean(),
      createdBy: person,
      createdAt: isoTime,
    })
    .partial(),
);

/** A law (or a guideline) and the article of it a rule rests on. */
const LegalBasisView = z.object({ law: z.string(), article: z.string() });

export const FlagView = responseSchemas.register(
  'Flag',
  z
    .object({
      article: z.string().describe('the number of the article the flag stands beside'),
      ruleId: z.string(),
      category: z.enum(ASSIST_CATEGORIES),
      checklistItem: z.enum(CHECK_ITEMS).describe('the checklist item the flag concerns'),
      severity: z.enum(SEVERITIES).describe('the severity suggested for a comment made from it'),
      match: z
        .object({ start: integer, end: integer, text: z.string() })
        .describe(
          "UTF-16 offsets into that article's text and the words between them; start = end for a flag with no words " +
            'to show (a missing validity period, a legal basis no article cites)',
        ),
      explanation: z.string().describe('why it matters (Chinese)'),
      basis: z.array(LegalBasisView),
      legalBasisEntry: z
        .string()
        .optional()
        .describe('extension, citation flags raised by `legalBasis`: the entry as the draft gives it'),
    })
    .describe('advice for the reviewer: never a decision, and it never blocks one'),
);

export const FlagsView = responseSchemas.register(
  'Flags',
  z.object({
    rulesVersion: z.string().describe('which rule set raised them (a hash of its data)'),
    checkedOn: z.iso
      .date()
      .describe(
        'extension: the day dates were compared with (China time): today for a check, the day a version was stored',
      ),
    flags: z.array(FlagView).describe('by article, then offset'),
  }),
);

export const RulesView = responseSchemas.register(
  'AssistRules',
  z.object({
    rulesVersion: z.string(),
    rules: z.array(
      z.object({
        id: z.string(),
        category: z.enum(ASSIST_CATEGORIES),
        checklistItem: z.enum(CHECK_ITEMS),
        severity: z.enum(SEVERITIES),
        description: z.string(),
        basis: z.array(LegalBasisView),
        source: z.enum(['builtin', 'guideline']),
        guidelineId: z.string().optional(),
      }),
    ),
  }),
);

export const TaskView = responseSchemas.register(
  'Task',
  z
    .object({
      id: z.string(),
      reviewId: z.string().describe('on review tasks'),
      subject: z
        .object({ type: z.enum(SUBJECT_TYPES), id: z.string() })
        .describe("what the task concerns (document: the drafter's filing task)"),
      documentId: z.string(),
      documentTitle: z
        .string()
        .describe('extension: the title of the version the task concerns (in the task list and a read task)'),
      kind: z.enum(TASK_KINDS),
      region: z.enum(REGIONS),
      role: z.enum(ROLES),
      org: z.string().describe('revision and supplement tasks: the drafting organisation that owns the document'),
      status: z.enum(TASK_STATUSES),
      version: integer,
      dueAt: isoTime.nullable(),
      overdue: z.boolean().describe('open and past its due date'),
      remindAt: isoTime.describe('when the reminder goes out: one working day before dueAt'),
      remindedAt: isoTime,
      overdueAt: isoTime.describe('when the engine marked it overdue and escalated it'),
      createdAt: isoTime,
      completedAt: isoTime,
      decision: z.string(),
      completedBy: actorRef,
      urgent: z.boolean().describe("the review's 加急 flag (set on submission)"),
      registrationNumber: z.string().describe("the review's 受理编号, once accepted"),
      assignee: person.nullable().describe("承办人: null while the task is in its region's pool"),
      assignedBy: person.nullable(),
      assignedAt: isoTime.nullable(),
      flags: z
        .array(FlagView)
        .describe('read one task: the assistive-review flags of the version it concerns (advice, never a decision)'),
    })
    .partial(),
);

/** `GET`/`PUT /v1/tasks/:taskId/draft`: the caller's decision saved as a draft (暂存). */
export const TaskDraftView = responseSchemas.register(
  'TaskDraft',
  z.object({
    taskId: z.string(),
    body: taskDraftBodySchema.describe('any part of a decision body, as saved'),
    savedAt: isoTime.nullable().describe('null: nothing saved'),
  }),
);

export const PersonView = responseSchemas.register(
  'Person',
  z.object({
    sub: z.string(),
    name: z.string(),
    region: z.enum(REGIONS),
    roles: z.array(z.enum(ROLES)),
    org: z.string().optional(),
    active: z.boolean().describe('extension: false once an admin deactivated them'),
    openTasks: integer.describe('open tasks assigned to them'),
    overdueTasks: integer.describe('extension: of those, past their due date'),
    absent: z
      .object({ from: isoTime, to: isoTime, delegate: person })
      .optional()
      .describe('a delegation of theirs running now or ahead'),
  }),
);

export const DelegationView = responseSchemas.register(
  'Delegation',
  z.object({
    id: z.string(),
    delegator: person,
    delegate: person,
    region: z.enum(REGIONS),
    roles: z.array(z.enum(ROLES)),
    from: isoTime,
    to: isoTime,
    reason: z.string().optional(),
    createdAt: isoTime,
    endedAt: isoTime.optional(),
  }),
);

/** What a review and its list summary both say first. */
const ReviewHead = z.object({
  reviewId: z.string(),
  documentId: z.string(),
  originRegion: z.enum(REGIONS),
  org: z.string(),
  version: integer,
  status: z.enum(REVIEW_STATUSES),
  stage: z.enum(STAGES),
});

export const ReviewView = responseSchemas.register(
  'Review',
  ReviewHead.extend({
    drafter: actorRef,
    outcome: z
      .object({
        conclusion: z.enum(CONCLUSIONS).optional(),
        at: isoTime,
        by: actorRef.optional(),
        opinion: z.string().optional(),
      })
      .describe('how the review closed'),
    acceptedAt: isoTime.describe('when intake found the materials complete and the clock started'),
    registrationNumber: z.string().describe('受理编号, given at acceptance'),
    opinionNumber: z.string().describe('审核意见书编号, given when the opinion is issued'),
    extensions: z.array(
      z.object({
        taskId: z.string(),
        workingDays: integer,
        reason: z.string(),
        status: z.enum(EXTENSION_STATUSES),
        decidedBy: actorRef.optional(),
        at: isoTime.describe('when decided, or requested while undecided'),
        opinion: z.string().optional(),
      }),
    ),
    revisionLetters: z
      .array(z.object({ round: integer, number: z.string().optional(), at: isoTime }))
      .describe('extension: the 修改意见书 issued, one per revision round'),
    warnings: z.array(z.string()).describe('extension: e.g. a working-day calendar in use that is provisional'),
    openTasks: z.array(TaskView),
    tasks: z.array(TaskView).describe('extension: every task of the review, open or not'),
    checklist: z
      .array(z.object({ item: z.enum(CHECK_ITEMS), result: z.enum(CHECK_RESULTS), note: z.string().optional() }))
      .describe('extension: the checklist of the last origin-review decision'),
    consultations: z.record(
      z.string(),
      z.object({ status: z.enum(CONSULTATION_STATUSES), decision: z.string(), respondedAt: isoTime }).partial(),
    ),
    deadlines: z
      .object({
        reviewDueAt: isoTime,
        workingDaysUsed: integer,
        workingDaysLeft: integer,
        clockRunning: z.boolean(),
        overdue: z.boolean().describe('extension: the review has passed its working-day limit'),
        provisional: z
          .boolean()
          .optional()
          .describe(
            'true when a deadline falls in a year whose calendar is still provisional (not yet loaded): it may move',
          ),
        provisionalYears: z.array(integer).optional(),
        tasks: z.array(
          z
            .object({
              taskId: z.string(),
              kind: z.enum(TASK_KINDS),
              region: z.enum(REGIONS),
              dueAt: z.string().nullable(),
              overdue: z.boolean(),
            })
            .partial(),
        ),
      })
      .partial(),
    history: z.array(
      z
        .object({
          at: isoTime,
          type: z.enum(EVENT_TYPES).describe('the event the step comes from (GET /v1/reviews/:id/events)'),
          actor: actorRef,
          taskId: z.string(),
          kind: z.enum(TASK_KINDS),
          region: z.enum(REGIONS),
          decision: z.string(),
          version: integer,
          stage: z.enum(STAGES),
          note: z.string(),
        })
        .partial()
        .describe('extension: taskId, kind, region, decision, version, stage and note where the step has them'),
    ),
    submittedAt: isoTime,
    closedAt: isoTime,
    urgent: z.boolean(),
    revisions: integer,
  })
    .partial()
    .describe(
      'deadlines: while the clock is stopped (a revision is open) reviewDueAt is where the due date would be if it ' +
        'resumed now; once closed, the figures are those at closing.',
    ),
);

export const OpinionView = responseSchemas.register(
  'Opinion',
  z
    .object({
      reviewId: z.string(),
      title: z.string().describe('合法性审核意见书'),
      number: z.string().optional().describe('审核意见书编号, e.g. 京司审〔2026〕17号'),
      registrationNumber: z.string().optional(),
      issuer: z.string().describe('the review body that issues it'),
      addressee: z.string().describe('the drafting unit it is addressed to'),
      caseOfficer: person.optional(),
      signer: person.optional(),
      issuedOn: z
        .string()
        .describe(
          'the date of issue as GB/T 9704-2012 writes it (2026年11月27日); opinions issued before release 3 keep the ' +
            'Chinese numerals they were issued with (二〇二六年十一月二十七日)',
        ),
      contactPhone: z
        .string()
        .optional()
        .describe("extension: the issuing body's telephone for the case (附注), where configured"),
      copyTo: z
        .array(z.string())
        .optional()
        .describe('extension: 抄送, the review bodies of the regions consulted (absent before release 3)'),
      document: z.object({
        id: z.string(),
        title: z.string(),
        org: z.string(),
        region: z.enum(REGIONS),
        docType: z.string().optional(),
      }),
      legalBasis: z
        .array(z.string())
        .optional()
        .describe("extension: 审核依据, the document's legal basis as the version names it (absent before release 3)"),
      legalBasisNote: z.string().optional().describe("extension: the drafting unit's note on its legal basis"),
      fairCompetitionConclusion: z
        .string()
        .optional()
        .describe(
          "extension: the drafting unit's fair-competition review conclusion (公平竞争审查结论), from its materials",
        ),
      version: z.object({ number: integer, title: z.string().optional() }),
      status: z.enum(['approved', 'rejected', 'returned']),
      dates: z.object({
        receivedAt: isoTime,
        materialsCompleteAt: isoTime.optional(),
        closedAt: isoTime.optional(),
        clock: z.object({ workingDaysUsed: z.number(), limitWorkingDays: integer }),
        clockStops: z
          .array(z.object({ stoppedAt: isoTime, resumedAt: isoTime.optional() }))
          .describe('the periods the clock stood still while the drafter revised (计时中止)'),
      }),
      extensions: z.array(
        z.object({
          workingDays: integer,
          reason: z.string(),
          status: z.enum(EXTENSION_STATUSES),
          decidedBy: person.optional(),
          at: isoTime,
        }),
      ),
      checklist: z.array(
        z.object({
          item: z.enum(CHECK_ITEMS),
          result: z.enum(CHECK_RESULTS),
          note: z.string().optional(),
          label: z.string(),
        }),
      ),
      comments: z.array(
        z.object({
          id: z.string(),
          version: integer,
          stage: z.string(),
          article: z.string().optional(),
          severity: z.enum(SEVERITIES),
          basis: z.string().optional(),
          text: z.string(),
          author: z.object({ region: z.enum(REGIONS), role: z.string() }),
          disposition: z
            .object({ status: z.enum(DISPOSITION_STATUSES), reason: z.string().optional(), at: isoTime })
            .optional(),
        }),
      ),
      consultations: z.array(
        z.object({
          region: z.enum(REGIONS),
          reviewBody: z.string().optional().describe("extension: the region's review body (absent before release 3)"),
          status: z.enum(CONSULTATION_STATUSES),
          decision: z.string().optional(),
          opinion: z.string().optional(),
          respondedAt: isoTime.optional(),
          note: z.string().optional(),
        }),
      ),
      consolidation: z
        .object({
          opinion: z.string().optional(),
          dispositions: z.array(
            z.object({
              region: z.enum(REGIONS),
              commentId: z.string(),
              status: z.enum(DISPOSITION_STATUSES),
              reason: z.string().optional(),
            }),
          ),
        })
        .optional()
        .describe("how the origin body dealt with the consulted regions' comments and objections (汇总)"),
      conclusion: z.enum(CONCLUSIONS).optional(),
      grounds: z.enum(RETURN_GROUNDS).optional().describe('for a return without a verdict: why'),
      decidedBy: actorRef.optional(),
      decidedAt: isoTime.optional(),
      opinion: z.string(),
      revisions: integer.describe('how many times the drafter resubmitted a revised version'),
      sha256: z.string().describe('hex SHA-256 of the frozen page served for Accept: text/html'),
    })
    .describe(
      '合法性审核意见书, frozen when the review closed: document, version, dates, checklist, comments and their ' +
        'disposition, consultations, consolidation, conclusion, signer',
    ),
);

/** Compiles only when `Actual` fits `Documented`: the API cannot build what the contract does not say. */
export type Conforms<Actual extends Documented, Documented> = Actual;
/** The opinion as served: what domain/written-record.ts builds, with the hash of its page. */
export type IssuedOpinion = Conforms<Opinion & { sha256: string }, z.input<typeof OpinionView>>;

export const NotificationView = responseSchemas.register(
  'Notification',
  z
    .object({
      id: z.string(),
      type: z.enum(NOTIFICATION_TYPES),
      reviewId: z.string(),
      taskId: z.string().describe('absent when the whole review passed its limit'),
      dueAt: isoTime,
      message: z.string(),
      createdAt: isoTime,
    })
    .partial(),
);

export const CheckpointView = responseSchemas.register(
  'Checkpoint',
  z
    .object({
      id: z.string(),
      n: integer,
      at: isoTime,
      root: z.string().describe("the Merkle root (hex SHA-256) over every review's sealed head"),
      size: integer.describe('how many reviews it holds'),
      keyId: z.string(),
      signature: z.string(),
      file: z.string().describe('where the copy for the operator was written'),
    })
    .partial(),
);

export const CommentView = responseSchemas.register(
  'Comment',
  z
    .object({
      id: z.string(),
      reviewId: z.string(),
      documentId: z.string(),
      taskId: z.string(),
      version: integer,
      stage: z.enum(TASK_KINDS).describe('the kind of task the comment was made in'),
      article: z.string(),
      text: z.string(),
      severity: z.enum(SEVERITIES),
      basis: z.string(),
      author: actorRef,
      disposition: z.object({ status: z.enum(DISPOSITION_STATUSES), reason: z.string(), at: isoTime }).partial(),
      createdAt: isoTime,
    })
    .partial(),
);

export const ReviewSummaryView = responseSchemas.register(
  'ReviewSummary',
  ReviewHead.extend({
    urgent: z.boolean(),
    registrationNumber: z.string(),
    opinionNumber: z.string(),
    submittedAt: isoTime,
    closedAt: isoTime,
    nextDueAt: isoTime.nullable(),
    overdue: z.boolean(),
  }).partial(),
);

export const EventView = responseSchemas.register(
  'Event',
  z
    .object({
      seq: integer,
      type: z.enum(EVENT_TYPES),
      at: isoTime,
      actor: actorRef,
      requestId: z.string(),
      data: someObject,
      prevHash: z.string(),
      hash: z.string(),
    })
    .partial(),
);

/** A count per key (status, stage, region, kind). */
const counts = z.record(z.string(), integer);
/** How the concluded (approved or rejected) reviews of one origin region kept to their limit. */
const Timing = z.object({
  concluded: integer,
  onTime: integer.describe('within the working-day limit at the conclusion, extensions included'),
  workingDaysUsed: integer,
  onTimeRate: z.number().nullable().describe('onTime / concluded; null without any'),
  averageWorkingDays: z.number().nullable().describe('workingDaysUsed / concluded; null without any'),
});

export const StatsView = responseSchemas.register(
  'Stats',
  z
    .object({
      at: isoTime,
      reviews: z.object({
        total: integer,
        byStatus: counts,
        byStage: counts,
        byOriginRegion: counts,
        overdue: z.object({ total: integer, byOriginRegion: counts }),
        concluded: z.object({ byOriginRegion: z.record(z.enum(REGIONS), Timing) }),
      }),
      tasks: z.object({
        open: z.object({ total: integer, byRegion: counts }),
        overdue: z.object({ total: integer, byRegion: counts, byKind: counts }),
      }),
    })
    .describe('Overdue means past the due date now.'),
);

// Answers of a single route, described where they are: not components.

/** `POST /v1/documents/:id/versions`. */
export const VersionAdded = z.object({ id: z.string(), version: integer }).partial();

/** `GET /v1/documents/:id/versions/:a/compare/:b`. */
export const VersionComparison = z
  .object({
    documentId: z.string(),
    from: integer,
    to: integer,
    articles: z.array(
      z.object({
        number: z.string(),
        change: z.enum(['added', 'removed', 'changed', 'same']),
        before: z.string().optional(),
        after: z.string().optional(),
        marked: z
          .array(z.object({ change: z.enum(['same', 'removed', 'added']), text: z.string() }).partial())
          .optional(),
      }),
    ),
  })
  .partial();

/** `POST /v1/documents/:id/reviews`. */
export const ReviewStarted = z
  .object({
    reviewId: z.string(),
    documentId: z.string(),
    status: z.enum(REVIEW_STATUSES),
    stage: z.enum(STAGES),
    taskId: z.string(),
  })
  .partial();

/** `POST /v1/tasks/:taskId/complete`. */
export const TaskDecided = z
  .object({
    task: TaskView,
    review: z.object({ status: z.enum(REVIEW_STATUSES), stage: z.enum(STAGES) }).partial(),
  })
  .partial();

/** `GET /v1/calendar/:year`: the national calendar the working-day clocks count on. */
export const CalendarYear = z.object({
  year: integer,
  source: z.string().describe('the State Council notice the dates come from'),
  provisional: z.string().optional(),
  holidays: z.array(z.object({ from: z.iso.date(), to: z.iso.date() })),
  workingWeekendDays: z.array(z.iso.date()).describe('调休: weekend days that are working days'),
});

/** A review a calendar load moved. */
const CalendarMoved = z.object({
  reviewId: z.string(),
  reviewDueAt: z.object({ before: isoTime.nullable(), after: isoTime.nullable() }),
});

/** Where a load's re-dating job stands. */
const RedatingProgress = z.object({
  id: z.string().describe('the job: calendar-redating:<year>:<loadId>'),
  status: z
    .enum(['running', 'completed', 'failed', 'not_started'])
    .describe('not_started: the notice is stored, its job never started (loading it again starts it)'),
  redated: integer.describe('running reviews re-dated so far, moved or not'),
  runningReviews: integer.describe('reviews running when the year was loaded'),
});

/** `PUT /v1/calendar/:year`. */
export const CalendarLoaded = z.object({
  calendar: CalendarYear,
  runningReviews: integer,
  moved: z.array(CalendarMoved).describe('complete unless `redating` is present: then what moved so far'),
  redating: RedatingProgress.optional().describe('present when the re-dating had not finished within the wait'),
});

/** `GET /v1/calendar/:year/redating`. */
export const CalendarRedating = RedatingProgress.extend({
  year: integer,
  loadId: z.string(),
  loadedAt: isoTime,
  moved: z.array(CalendarMoved).describe('the reviews the job has moved so far'),
  refused: z
    .array(z.object({ reviewId: z.string(), reason: z.string() }))
    .describe('reviews whose workflow rejected the new calendar: they keep their dates; the job went on'),
});

/** `GET /v1/calendar/deadline`. */
export const CalendarDeadline = z.object({
  from: z.iso.date(),
  days: integer,
  dueDate: z.iso.date(),
  dueAt: isoTime.describe('the instant the limit passes: the midnight (CST) after dueDate'),
});

/** A person of the development sign-in (`/v1/dev/users`, `/v1/dev/token`). */
const DemoUser = z.object({
  key: devTokenBodySchema.shape.user,
  sub: z.string(),
  name: z.string(),
  region: z.enum(REGIONS),
  roles: z.array(z.enum(ROLES)),
  org: z.string().optional(),
});

export const DemoUsers = z.object({ items: z.array(DemoUser) }).partial();
export const DemoToken = z.object({ token: z.string(), user: DemoUser }).partial();
