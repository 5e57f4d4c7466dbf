/**
 * One HTTP request to a notification service with a deadline, and the errors every agent shares: no answer in
 * time, unreachable, 5xx and 429 are transient; other 4xx are permanent (the settings need fixing). Every text
 * that leaves here is scrubbed of the channel's secrets.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage, PermanentError, TransientError } from '../util/errors.js';
import { redactSecrets } from './redact.js';

export interface HttpRequest {
  /** "Discord", "Gotify"…: how messages name the service. */
  service: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
}

export interface Deadline {
  /** Epoch ms by which everything (retries included) must be done. */
  endsAt: number;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

export function deadlineFrom(options: { timeoutMs: number; signal?: AbortSignal | undefined }): Deadline {
  return { endsAt: Date.now() + options.timeoutMs, timeoutMs: options.timeoutMs, signal: options.signal };
}

/** The service's 429 answer, with how long it asked us to wait when it said so. */
export class RateLimitedError extends TransientError {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Where a message may name the target: origin and path, scrubbed (a Discord URL's path holds the token). */
export function describeUrl(url: string, secrets: readonly string[]): string {
  try {
    const parsed = new URL(url);
    return redactSecrets(`${parsed.origin}${parsed.pathname}`, secrets);
  } catch {
    return '(invalid URL)';
  }
}

export async function httpPost(
  request: HttpRequest,
  deadline: Deadline,
  secrets: readonly string[],
): Promise<HttpAnswer> {
  const remaining = deadline.endsAt - Date.now();
  const where = describeUrl(request.url, secrets);
  if (remaining <= 0)
    throw new TransientError(`${request.service}: no answer within ${deadline.timeoutMs} ms from ${where}`);
  const timeout = AbortSignal.timeout(remaining);
  const signal = deadline.signal === undefined ? timeout : AbortSignal.any([timeout, deadline.signal]);
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal,
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text };
  } catch (error) {
    if (timeout.aborted) {
      throw new TransientError(`${request.service}: no answer within ${deadline.timeoutMs} ms from ${where}`);
    }
    if (deadline.signal?.aborted === true)
      throw new TransientError(`${request.service}: sending was cancelled`);
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    throw new TransientError(
      redactSecrets(`${request.service}: cannot reach ${where}: ${errorMessage(cause)}`, secrets),
    );
  }
}

/** Waits `ms` unless the deadline's signal aborts first. */
export async function pause(ms: number, deadline: Deadline): Promise<void> {
  await sleep(ms, undefined, deadline.signal === undefined ? {} : { signal: deadline.signal });
}

/** Seconds from a Retry-After header (delta-seconds form), in ms. */
export function retryAfterHeaderMs(headers: Headers): number | undefined {
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds * 1000) : undefined;
}

/**
 * Throws the right error for a non-2xx answer. `authHint` says what to fix on 401/403; `detail` is the service's
 * own explanation when the agent could read one from the body.
 */
export function failForStatus(
  service: string,
  answer: HttpAnswer,
  secrets: readonly string[],
  authHint: string,
  detail?: string,
): never {
  const said = redactSecrets(detail ?? snippet(answer.text), secrets);
  const suffix = said === '' ? '' : `: ${said}`;
  if (answer.status === 401 || answer.status === 403) {
    throw new PermanentError(
      `${service} refused the credentials (HTTP ${answer.status}) — ${authHint}${suffix}`,
    );
  }
  if (answer.status === 429) {
    const after = retryAfterHeaderMs(answer.headers);
    throw new RateLimitedError(`${service} is rate limiting (HTTP 429)${suffix}`, after);
  }
  if (answer.status >= 500) throw new TransientError(`${service} failed (HTTP ${answer.status})${suffix}`);
  throw new PermanentError(`${service} refused the message (HTTP ${answer.status})${suffix}`);
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

export function isOk(answer: HttpAnswer): boolean {
  return answer.status >= 200 && answer.status < 300;
}
