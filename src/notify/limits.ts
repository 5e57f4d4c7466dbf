/**
 * Cutting texts to a service's limits, with an ellipsis so a reader sees it was cut. Character limits are checked
 * in UTF-16 units (what JavaScript and most services count; never fewer than code points) and cut between code
 * points, so an emoji is never split. ntfy counts UTF-8 bytes instead.
 */

const ELLIPSIS = '…';

export function truncateChars(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const char of text) {
    if (out.length + char.length > max - ELLIPSIS.length) break;
    out += char;
  }
  return out + ELLIPSIS;
}

export function truncateUtf8Bytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const budget = maxBytes - Buffer.byteLength(ELLIPSIS, 'utf8');
  let used = 0;
  let out = '';
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (used + size > budget) break;
    used += size;
    out += char;
  }
  return out + ELLIPSIS;
}
