/**
 * Delegations (委托代理): a reviewer or signer away for a period names a colleague of the same
 * region and role, who may then decide the tasks assigned to them and hears of their deadlines.
 * A delegation runs from `from` to `to` unless ended early (`endedAt`).
 */
import { Schema } from 'mongoose';
import { REGIONS, type Region, type Role } from '../domain/model';

export interface DelegationDoc {
  _id: string;
  delegatorSub: string;
  delegatorName?: string;
  delegateSub: string;
  delegateName?: string;
  region: Region;
  /** The roles the two share, for which the delegate stands in. */
  roles: Role[];
  from: Date;
  to: Date;
  reason?: string;
  createdAt: Date;
  endedAt?: Date;
}

export const delegationSchema = new Schema<DelegationDoc>(
  {
    _id: String,
    delegatorSub: { type: String, required: true },
    delegatorName: String,
    delegateSub: { type: String, required: true },
    delegateName: String,
    region: { type: String, enum: REGIONS, required: true },
    roles: { type: [String], required: true },
    from: { type: Date, required: true },
    to: { type: Date, required: true },
    reason: String,
    createdAt: { type: Date, required: true },
    endedAt: Date,
  },
  { versionKey: false },
);
// Who a delegate stands in for now (work list, decisions, notices); whose absence the directory shows.
delegationSchema.index({ delegateSub: 1, to: 1 });
delegationSchema.index({ delegatorSub: 1, to: 1 });
