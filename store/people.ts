/**
 * The directory of people (人员名录): everyone whose valid token the API has seen, per region, as
 * their latest token describes them. There is no second identity store: a person enters the
 * directory on first use and their name, roles and organisation follow their tokens. Only `active`
 * is the directory's own, set by an admin.
 */
import { Schema } from 'mongoose';
import { REGIONS, ROLES, type Region, type Role } from '../domain/model';

export interface PersonDoc {
  /** The token's `sub`. */
  _id: string;
  name?: string;
  region: Region;
  roles: Role[];
  org?: string;
  /** False once an admin deactivated them: nobody assigns them work or delegates to them. */
  active: boolean;
  /** A hash of the claims last written, so an unchanged token writes nothing. */
  claimsHash: string;
  firstSeenAt: Date;
  updatedAt: Date;
}

export const personSchema = new Schema<PersonDoc>(
  {
    _id: String,
    name: String,
    region: { type: String, enum: REGIONS, required: true },
    roles: { type: [String], enum: ROLES, required: true },
    org: String,
    active: { type: Boolean, required: true, default: true },
    claimsHash: { type: String, required: true },
    firstSeenAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// The picker and the workload view list one region's people of one role.
personSchema.index({ region: 1, roles: 1 });
