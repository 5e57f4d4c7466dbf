/**
 * Zod pieces every route module shares: id parameters (which also stop path traversal such as
 * `/players/..%2F..`), names, and the 204/4xx answers.
 */
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../util/errors.js';
import { ErrorBody } from '../errors.js';

export const Id = z.coerce
  .number({ error: 'must be a positive whole number (an id)' })
  .int({ error: 'must be a positive whole number (an id)' })
  .positive({ error: 'must be a positive whole number (an id)' })
  .max(2_147_483_647, { error: 'is too large for an id' });

export const IdParams = z.object({ id: Id });

/** A `limit` query parameter whose message names the allowed range. */
export function Limit(max: number) {
  return z.coerce
    .number({ error: 'must be a whole number' })
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be at least 1' })
    .max(max, { error: `must be at most ${max}` })
    .describe(`How many, 1–${max}`);
}

export const Name = z
  .string({ error: 'must be a text' })
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(100, { error: 'must be at most 100 characters' });

/** A folder or file path as someone else sees it (manager or Kodi): any form, bounded and without NUL. */
export const PathText = z
  .string({ error: 'must be a text' })
  .min(1, { error: 'must not be empty' })
  .max(4096, { error: 'must be at most 4096 characters' })
  .refine((value) => !value.includes('\0'), { error: 'must not contain NUL characters' });

export const Deleted = z.null().describe('No content');

/** Standard error answers, for the OpenAPI document. */
export const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody } as const;

/** Turns `{a: undefined}` into `{}`: the repositories treat a present key as "change it". */
export function defined<T extends Record<string, unknown>>(
  value: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

/** Looks up a record a body field refers to; an unknown id is the field's fault (400), not a missing route (404). */
export async function requireRef<T>(field: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof NotFoundError)
      throw new ValidationError(field, `${field}: ${error.message}; use the id of an existing one.`);
    throw error;
  }
}
