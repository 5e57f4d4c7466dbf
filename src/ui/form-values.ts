/**
 * Turns form fields (always text) into the JSON the API expects. A value that is not what the API wants
 * is passed on as typed, so the API's own validation names the field and the fix.
 */
export type FormBody = Record<string, string | string[] | undefined>;

export function text(body: FormBody, name: string): string | undefined {
  const value = body[name];
  const one = Array.isArray(value) ? value[0] : value;
  return one === undefined || one.trim() === '' ? undefined : one.trim();
}

/** Whole numbers become numbers; anything else is sent as it is (and refused by the API in its words). */
export function numberOr(body: FormBody, name: string): number | string | undefined {
  const value = text(body, name);
  return value !== undefined && /^-?\d+$/.test(value) ? Number(value) : value;
}

export function checked(body: FormBody, name: string): boolean {
  return text(body, name) === 'on';
}

export function list(body: FormBody, name: string): string[] {
  const value = body[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v) => v !== '');
}

/** `{a: undefined}` → `{}`: an empty field means "not given". */
export function given<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
