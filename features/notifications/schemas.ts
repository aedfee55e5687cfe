/** The request schemas of notifications. */
import { z } from 'zod';
import { cursor, limit } from '../schemas';

export const listNotificationsQuerySchema = z.strictObject({ limit, cursor });
