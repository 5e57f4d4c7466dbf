/**
 * Keeps a channel's secrets out of the texts this module produces (error messages, log lines). Uses the service's
 * SecretRegistry so the masking is the same as the log's (URL passwords, encoded forms, `?apikey=`).
 */
import { SecretRegistry } from '../config/secrets.js';

export function redactSecrets(text: string, secrets: readonly string[]): string {
  const registry = new SecretRegistry();
  for (const secret of secrets) registry.add(secret);
  return registry.scrub(text);
}

/** The Basic credentials header value, itself a secret (it is base64 of "user:password"). */
export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}
