/**
 * Kodi's clock info labels as XBMC.GetInfoLabels answers them (measured on Kodi 20.1, research notes
 * kodi-facts-14 B.3/B.6), for a Kodi whose time zone setting is UTC (the test bed's): `System.Date` →
 * "Wednesday, December 2, 2026", `System.Time` → "4:22 AM", and with a format in brackets the tokens
 * `yyyy`/`mm`/`dd` (date) or `hh`/`h`/`mm`/`ss`/`xx` (time). Time tokens ignore case, so `HH` is a 12-hour
 * clock too, without AM/PM unless `xx` is asked for.
 */
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

const pad2 = (n: number): string => String(n).padStart(2, '0');

function formatDate(now: Date, format: string): string {
  return format.replace(/yyyy|mm|dd/gi, (token) => {
    const lower = token.toLowerCase();
    if (lower === 'yyyy') return String(now.getUTCFullYear());
    if (lower === 'mm') return pad2(now.getUTCMonth() + 1);
    return pad2(now.getUTCDate());
  });
}

function formatTime(now: Date, format: string): string {
  const hour12 = now.getUTCHours() % 12 || 12;
  return format.replace(/hh|h|mm|ss|xx/gi, (token) => {
    switch (token.toLowerCase()) {
      case 'hh':
        return pad2(hour12);
      case 'h':
        return String(hour12);
      case 'mm':
        return pad2(now.getUTCMinutes());
      case 'ss':
        return pad2(now.getUTCSeconds());
      default:
        return now.getUTCHours() < 12 ? 'AM' : 'PM';
    }
  });
}

/** The label's value now, or undefined when it is not a clock label. */
export function clockLabel(name: string, now = new Date()): string | undefined {
  const match = /^system\.(date|time)(?:\((.*)\))?$/i.exec(name);
  if (!match) return undefined;
  const [, kind = '', format] = match;
  if (kind.toLowerCase() === 'date') {
    return format === undefined
      ? `${WEEKDAYS[now.getUTCDay()]}, ${MONTHS[now.getUTCMonth()]} ${now.getUTCDate()}, ${now.getUTCFullYear()}`
      : formatDate(now, format);
  }
  return formatTime(now, format ?? 'h:mm xx');
}
