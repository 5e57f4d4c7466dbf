/**
 * Turns one pino JSON log line into one line for a person: `04:31:07 INFO  api  Kodi Sync is listening
 * url=http://… dataDir=…`. Colours only when the console is a terminal (and NO_COLOR is unset); the log file keeps
 * the JSON lines.
 */
/** ANSI SGR codes (node:util styleText decides on its own whether a stream gets colour; the caller decides here). */
const STYLES = {
  gray: '90',
  green: '32',
  yellow: '33',
  red: '31',
  cyan: '36',
  white: '37',
  alarm: '41;37',
} as const;
type Style = keyof typeof STYLES;

const LEVELS: Record<number, { name: string; style: Style }> = {
  10: { name: 'TRACE', style: 'gray' },
  20: { name: 'DEBUG', style: 'gray' },
  30: { name: 'INFO ', style: 'green' },
  40: { name: 'WARN ', style: 'yellow' },
  50: { name: 'ERROR', style: 'red' },
  60: { name: 'FATAL', style: 'alarm' },
};

/** Fields every line has or that say nothing to a person. */
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'component', 'v']);

export function consoleLine(json: string, colour: boolean): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const paint = (style: Style, text: string) => (colour ? `\u001b[${STYLES[style]}m${text}\u001b[0m` : text);
  const level = LEVELS[Number(entry.level)] ?? { name: String(entry.level).padEnd(5), style: 'white' };
  const time = typeof entry.time === 'number' ? new Date(entry.time) : new Date();
  const clock = [time.getHours(), time.getMinutes(), time.getSeconds()]
    .map((n) => String(n).padStart(2, '0'))
    .join(':');
  const parts = [paint('gray', clock), paint(level.style, level.name)];
  if (typeof entry.component === 'string') parts.push(paint('cyan', entry.component));
  parts.push(typeof entry.msg === 'string' ? entry.msg : '');
  const fields = Object.entries(entry)
    .filter(([key, value]) => !HIDDEN.has(key) && value !== undefined)
    .map(([key, value]) => `${paint('gray', `${key}=`)}${fieldText(value)}`);
  return `${[...parts, ...fields].join(' ')}\n`;
}

function fieldText(value: unknown): string {
  // A logged error shows its message; its stack stays in the log file.
  if (
    typeof value === 'object' &&
    value !== null &&
    'message' in value &&
    typeof value.message === 'string'
  ) {
    return JSON.stringify(value.message);
  }
  if (typeof value === 'string') return /\s/.test(value) || value === '' ? JSON.stringify(value) : value;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return JSON.stringify(value);
}
