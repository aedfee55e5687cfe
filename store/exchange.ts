/**
 * The exchange's collections: `topics` and `guidelines`, each the projection of its own log
 * (domain/exchange.ts; the log is in `events` under the topic's or guideline's id), written by the
 * exchange's recording activity and only ever moved forward by log position. Their tasks are in
 * `tasks`, beside the review tasks, so that they show in the work lists.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import type { GuidelineState, TopicState } from '../domain/exchange';
import { GUIDELINE_STATUSES, TOPIC_KINDS, TOPIC_STATUSES } from '../domain/exchange';
import { REGIONS } from '../domain/model';

export type TopicDoc = Omit<TopicState, 'id'> & { _id: string };
export type GuidelineDoc = Omit<GuidelineState, 'id'> & { _id: string };

const topicSchema = new Schema<TopicDoc>(
  {
    _id: String,
    title: { type: String, required: true },
    body: { type: String, required: true },
    kind: { type: String, enum: TOPIC_KINDS, required: true },
    links: { type: Schema.Types.Mixed, default: [] },
    region: { type: String, enum: REGIONS, required: true },
    raisedBy: Schema.Types.Mixed,
    status: { type: String, enum: TOPIC_STATUSES, required: true },
    answers: { type: Schema.Types.Mixed, default: {} },
    replies: { type: Schema.Types.Mixed, default: [] },
    summary: String,
    closedAt: String,
    closedBy: Schema.Types.Mixed,
    createdAt: { type: String, required: true },
    lastSeq: { type: Number, required: true },
  },
  { versionKey: false, minimize: false },
);
// Lists: newest first, by status and kind (few thousand topics at most: a filter and a sort).
topicSchema.index({ status: 1, createdAt: -1 });

const guidelineSchema = new Schema<GuidelineDoc>(
  {
    _id: String,
    title: { type: String, required: true },
    text: { type: String, required: true },
    scope: { type: String, required: true },
    basis: { type: [String], default: [] },
    topicId: String,
    supersedes: String,
    rules: { type: Schema.Types.Mixed, default: [] },
    version: { type: Number, required: true },
    region: { type: String, enum: REGIONS, required: true },
    proposedBy: Schema.Types.Mixed,
    status: { type: String, enum: GUIDELINE_STATUSES, required: true },
    adoptions: { type: Schema.Types.Mixed, default: {} },
    number: String,
    adoptedAt: String,
    declinedAt: String,
    supersededBy: String,
    createdAt: { type: String, required: true },
    lastSeq: { type: Number, required: true },
  },
  { versionKey: false, minimize: false },
);
guidelineSchema.index({ status: 1, createdAt: -1 });

export interface ExchangeModels {
  Topic: Model<TopicDoc>;
  Guideline: Model<GuidelineDoc>;
}

/** Binds the models to a connection (once per connection). */
export function createExchangeModels(connection: Connection): ExchangeModels {
  return {
    Topic: (connection.models.Topic as Model<TopicDoc>) ?? connection.model('Topic', topicSchema, 'topics'),
    Guideline:
      (connection.models.Guideline as Model<GuidelineDoc>) ??
      connection.model('Guideline', guidelineSchema, 'guidelines'),
  };
}
