/**
 * Where the service keeps its data without a --data-dir (the *arr way: a per-user folder, the same from every
 * working directory), and the addresses the start banner lists when it listens on every interface.
 */
import { describe, expect, it } from 'vitest';
import { reachableUrls } from '../../src/config/addresses.js';
import { defaultDataDir } from '../../src/config/data-dir.js';
import { loadConfig } from '../../src/config/load.js';

describe('the default data folder', () => {
  it('is ~/.config/kodi-sync, or under XDG_CONFIG_HOME when that is an absolute path', () => {
    expect(defaultDataDir({ HOME: '/home/ann' }, 'linux')).toBe('/home/ann/.config/kodi-sync');
    expect(defaultDataDir({ HOME: '/home/ann', XDG_CONFIG_HOME: '/cfg' }, 'linux')).toBe('/cfg/kodi-sync');
    expect(defaultDataDir({ HOME: '/home/ann', XDG_CONFIG_HOME: 'relative' }, 'linux')).toBe(
      '/home/ann/.config/kodi-sync',
    );
  });

  it('is what the configuration uses unless KODI_SYNC_DATA_DIR or --data-dir says otherwise', () => {
    expect(loadConfig({ env: { HOME: '/home/ann' } }).dataDir).toBe('/home/ann/.config/kodi-sync');
    expect(loadConfig({ env: { HOME: '/home/ann', KODI_SYNC_DATA_DIR: '/var/lib/kodi-sync' } }).dataDir).toBe(
      '/var/lib/kodi-sync',
    );
    expect(
      loadConfig({
        env: { HOME: '/home/ann', KODI_SYNC_DATA_DIR: '/var/lib/kodi-sync' },
        flags: { dataDir: '/srv/ks' },
      }).dataDir,
    ).toBe('/srv/ks');
  });
});

describe('the addresses a service can be reached at', () => {
  const interfaces = {
    lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }],
    eth0: [
      { address: '192.168.1.20', family: 'IPv4', internal: false },
      { address: 'fe80::1', family: 'IPv6', internal: false },
      { address: '2001:db8::20', family: 'IPv6', internal: false },
    ],
  } as unknown as Parameters<typeof reachableUrls>[3];

  it('lists loopback first, then every interface, when bound to all of them', () => {
    expect(reachableUrls('0.0.0.0', 7887, '', interfaces)).toEqual([
      'http://127.0.0.1:7887',
      'http://192.168.1.20:7887',
    ]);
    expect(reachableUrls('::', 7887, '/kodi-sync', interfaces)).toEqual([
      'http://127.0.0.1:7887/kodi-sync',
      'http://192.168.1.20:7887/kodi-sync',
      'http://[2001:db8::20]:7887/kodi-sync',
    ]);
  });

  it('names only the bound address otherwise', () => {
    expect(reachableUrls('192.168.1.20', 8000, '', interfaces)).toEqual(['http://192.168.1.20:8000']);
  });
});
