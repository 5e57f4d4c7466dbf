/**
 * Small conversions between repository objects and rows (booleans as 0/1, JSON as text) and the input
 * checks every repository shares. Each check throws a ValidationError naming the field.
 */
import { ValidationError } from '../util/errors.js';
import { isUniqueViolation } from './transaction.js';

export function fromBool(value: boolean): number {
  return value ? 1 : 0;
}

export function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  return JSON.parse(text) as T;
}

export function requireText(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ValidationError(field, `${field} must be a non-empty text`);
  }
  return value;
}

export function optionalText(field: string, value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new ValidationError(field, `${field} must be a text or null`);
  return value;
}

export function requireOneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ValidationError(
      field,
      `${field} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`,
    );
  }
  return value as T;
}

export function requireInt(
  field: string,
  value: unknown,
  min = Number.MIN_SAFE_INTEGER,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(
      field,
      `${field} must be a whole number between ${min} and ${max} (got ${JSON.stringify(value)})`,
    );
  }
  return value;
}

export function optionalInt(field: string, value: unknown, min?: number, max?: number): number | null {
  if (value === undefined || value === null) return null;
  return requireInt(field, value, min, max);
}

export function requireBool(field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ValidationError(field, `${field} must be true or false`);
  return value;
}

/** JSON text of a small document; rejects what JSON cannot hold (functions, cycles, bigint). */
export function requireJson(field: string, value: unknown): string {
  // JSON.stringify gives undefined (despite its typing) for undefined, functions and symbols.
  let text: unknown;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new ValidationError(field, `${field} must be plain JSON data: ${(error as Error).message}`);
  }
  if (typeof text !== 'string') throw new ValidationError(field, `${field} must be plain JSON data`);
  return text;
}

export function requireObject(field: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(field, `${field} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** Runs a write and turns a unique-constraint violation into a ValidationError on `field`. */
export async function uniqueField<T>(field: string, message: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw new ValidationError(field, message);
    throw error;
  }
}
