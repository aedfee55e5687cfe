/** The request schema of the console header's search. */
import { z } from 'zod';

export const searchQuerySchema = z.strictObject({
  q: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .describe('a title or part of one (Chinese), or a registration, opinion or document number'),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});
