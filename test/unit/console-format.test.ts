/**
 * The console shows one readable line per log event — time, level, component, message, then the fields — with
 * colour only when asked (a terminal); an error field shows its message, never its stack.
 */
import { describe, expect, it } from 'vitest';
import { consoleLine } from '../../src/config/console-format.js';

const at = new Date(2026, 11, 2, 4, 31, 7).getTime();

describe('console lines', () => {
  it('turns a JSON log line into one plain line with its fields', () => {
    const json = JSON.stringify({
      level: 30,
      time: at,
      pid: 1,
      hostname: 'box',
      component: 'api',
      msg: 'Kodi Sync is listening',
      urls: ['http://127.0.0.1:7887'],
      dataDir: '/var/lib/kodi-sync',
      kodi: 'Living room',
    });
    expect(consoleLine(`${json}\n`, false)).toBe(
      '04:31:07 INFO  api Kodi Sync is listening urls=["http://127.0.0.1:7887"] dataDir=/var/lib/kodi-sync ' +
        'kodi="Living room"\n',
    );
  });

  it('shows an error by its message and leaves the stack to the log file', () => {
    const json = JSON.stringify({
      level: 50,
      time: at,
      msg: 'request failed',
      err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at x (y.js:1:1)' },
    });
    const line = consoleLine(json, false);
    expect(line).toBe('04:31:07 ERROR request failed err="boom"\n');
    expect(line.split('\n')).toHaveLength(2);
  });

  it('colours only when asked', () => {
    const json = JSON.stringify({ level: 40, time: at, msg: 'WebSocket connection lost', code: 1006 });
    // eslint-disable-next-line no-control-regex -- ANSI escape sequences are the point here
    const ansi = /\u001b\[/;
    expect(consoleLine(json, false)).not.toMatch(ansi);
    expect(consoleLine(json, true)).toMatch(ansi);
    expect(consoleLine(json, true)).toMatch(/WARN/);
  });

  it('passes a line that is not JSON through unchanged', () => {
    expect(consoleLine('plain text', false)).toBe('plain text\n');
  });
});
