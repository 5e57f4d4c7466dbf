/**
 * Reading JSON-RPC params the way Kodi's schema validation does: wrong type or a missing required
 * parameter → -32602 "Invalid params." with a `stack` naming the parameter.
 */
import { invalidParams } from '../rpc-error.js';

export type Params = Record<string, unknown>;

function reject(name: string, type: string, message: string): never {
  throw invalidParams({ stack: { message, name, type } });
}

/** A required integer (Library.Id has minimum 1 — ids ≤ 0 fail validation, real-kodi.md §8). */
export function requiredId(params: Params, name: string): number {
  const value = params[name];
  if (value === undefined) reject(name, 'integer', 'Missing parameter');
  if (typeof value !== 'number' || !Number.isInteger(value))
    reject(name, 'integer', 'Invalid type integer received');
  if (value < 1) reject(name, 'integer', 'Value must be >= 1');
  return value;
}

export function optionalInteger(params: Params, name: string, fallback: number): number {
  const value = params[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value))
    reject(name, 'integer', 'Invalid type integer received');
  return value;
}

export function optionalString(params: Params, name: string, fallback: string): string {
  const value = params[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'string') reject(name, 'string', 'Invalid type string received');
  return value;
}

export function requiredString(params: Params, name: string): string {
  if (params[name] === undefined) reject(name, 'string', 'Missing parameter');
  return optionalString(params, name, '');
}

export function optionalBoolean(params: Params, name: string, fallback: boolean): boolean {
  const value = params[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') reject(name, 'boolean', 'Invalid type boolean received');
  return value;
}

export function optionalObject(params: Params, name: string): Params | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    reject(name, 'object', 'Invalid type object received');
  }
  return value as Params;
}

/**
 * A string array validated against the allowed names (Kodi: "array element at index N does not match"). The base
 * type Item.Fields.Base has uniqueItems and is checked first: a repeated name fails it (found on Kodi 20.1).
 */
export function propertyList(params: Params, allowed: ReadonlySet<string>, schemaName: string): string[] {
  const value = params.properties;
  if (value === undefined) return [];
  if (!Array.isArray(value)) reject('properties', 'array', 'Invalid type array received');
  if (new Set(value).size !== value.length)
    reject(schemaName, 'array', `value does not match extended type ${schemaName}`);
  value.forEach((entry, index) => {
    if (typeof entry !== 'string' || !allowed.has(entry)) {
      reject(schemaName, 'string', `array element at index ${index} does not match`);
    }
  });
  return value as string[];
}

/** `limits {start, end}` → the answer's `limits {start, end, total}` and the slice to return (real-kodi.md §6). */
export function applyLimits<T>(
  params: Params,
  items: T[],
): { limits: { start: number; end: number; total: number }; page: T[] } {
  const limits = optionalObject(params, 'limits') ?? {};
  const start = Math.max(0, optionalInteger(limits, 'start', 0));
  const requestedEnd = optionalInteger(limits, 'end', -1);
  const total = items.length;
  const end = requestedEnd < 0 || requestedEnd > total ? total : requestedEnd;
  // `end: 0` is Kodi's cheap count query: the answer reports end = total but returns no rows.
  const page = requestedEnd === 0 ? [] : items.slice(start, end);
  return { limits: { start, end: requestedEnd === 0 ? total : end, total }, page };
}
