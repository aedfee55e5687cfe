/**
 * The one activity of the bare same-shape workflow: a small write to the same store the app uses,
 * idempotent under retries like the app's (an insert keyed by workflow and step).
 */
import type { mongo } from 'mongoose';
import { isDuplicateKey } from '../../store/mongo';

export const BARE_COLLECTION = 'benchSteps';

export function createBareActivities(db: mongo.Db) {
  const steps = db.collection<{ _id: string; workflowId: string; step: number; at: Date }>(BARE_COLLECTION);
  return {
    async recordStep({ workflowId, step }: { workflowId: string; step: number }): Promise<void> {
      try {
        await steps.insertOne({ _id: `${workflowId}#${step}`, workflowId, step, at: new Date() });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err; // a retry of a stored step
      }
    },
  };
}
