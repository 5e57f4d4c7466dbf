/**
 * Settings parsing shared by the agents: zod errors become a ValidationError naming the setting
 * (`settings.token`), without echoing the value (it may be a secret).
 */
import type { z } from 'zod';
import { ValidationError } from '../util/errors.js';

export function parseSettings<S>(schema: z.ZodType<S>, settings: unknown, service: string): S {
  const result = schema.safeParse(settings);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = ['settings', ...(issue?.path ?? []).map(String)].join('.');
  throw new ValidationError(field, `${service} channel: ${field} ${issue?.message ?? 'is invalid'}`);
}

/** Trailing slashes off a base URL, so `${base}/message` never doubles them. */
export function trimBase(url: string): string {
  return url.replace(/\/+$/, '');
}
