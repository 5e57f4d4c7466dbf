/** Normalising Kodi's raw notifications, with the shapes real Kodi 20.1 sent (real-kodi.md §2, §7, §8, §10, §12). */
import { describe, expect, it } from 'vitest';
import { parseNotification } from '../../src/kodi/notifications.js';
import { reconnectDelayMs } from '../../src/kodi/ws-transport.js';

const params = (data: unknown): unknown => ({ data, sender: 'xbmc' });

describe('parseNotification', () => {
  it('reads scan and clean start/finish, whose data is null', () => {
    expect(parseNotification('VideoLibrary.OnScanStarted', params(null))).toEqual({
      method: 'VideoLibrary.OnScanStarted',
    });
    expect(parseNotification('VideoLibrary.OnCleanFinished', params(null))).toEqual({
      method: 'VideoLibrary.OnCleanFinished',
    });
  });

  it('reads an OnUpdate that nests the item (scan add, inside a transaction)', () => {
    const raw = { added: true, item: { id: 1, type: 'movie' }, transaction: true };
    expect(parseNotification('VideoLibrary.OnUpdate', params(raw))).toEqual({
      method: 'VideoLibrary.OnUpdate',
      item: { id: 1, type: 'movie' },
      added: true,
      transaction: true,
    });
  });

  it('reads an OnUpdate in the flat documented shape with a playcount', () => {
    expect(
      parseNotification('VideoLibrary.OnUpdate', params({ id: 7, type: 'episode', playcount: 2 })),
    ).toEqual({
      method: 'VideoLibrary.OnUpdate',
      item: { id: 7, type: 'episode' },
      added: false,
      transaction: false,
      playcount: 2,
    });
  });

  it('reads an OnRemove (flat) and keeps transaction', () => {
    expect(
      parseNotification('VideoLibrary.OnRemove', params({ id: 318, type: 'movie', transaction: true })),
    ).toEqual({
      method: 'VideoLibrary.OnRemove',
      item: { id: 318, type: 'movie' },
      transaction: true,
    });
  });

  it('reads player notifications with the item and player id', () => {
    const play = { item: { id: 321, type: 'movie' }, player: { playerid: 1, speed: 1 } };
    expect(parseNotification('Player.OnPlay', params(play))).toEqual({
      method: 'Player.OnPlay',
      item: { id: 321, type: 'movie' },
      playerId: 1,
    });
    expect(
      parseNotification('Player.OnPause', params({ ...play, player: { playerid: 1, speed: 0 } })),
    ).toMatchObject({
      method: 'Player.OnPause',
      playerId: 1,
    });
    expect(
      parseNotification('Player.OnStop', params({ end: false, item: { id: 321, type: 'movie' } })),
    ).toEqual({
      method: 'Player.OnStop',
      item: { id: 321, type: 'movie' },
      end: false,
    });
  });

  it('reads a non-library item without an id', () => {
    const data = { item: { title: 'Clip', type: 'unknown' }, player: { playerid: 1, speed: 1 } };
    expect(parseNotification('Player.OnAVStart', params(data))).toEqual({
      method: 'Player.OnAVStart',
      item: { type: 'unknown', title: 'Clip' },
      playerId: 1,
    });
  });

  it('reads System.OnQuit with its exit code', () => {
    expect(parseNotification('System.OnQuit', params({ exitcode: 0 }))).toEqual({
      method: 'System.OnQuit',
      exitcode: 0,
    });
  });

  it('passes everything else, and malformed known ones, through as "other"', () => {
    expect(parseNotification('Playlist.OnAdd', params({ playlistid: 1 }))).toEqual({
      method: 'other',
      rawMethod: 'Playlist.OnAdd',
      data: { playlistid: 1 },
    });
    expect(parseNotification('VideoLibrary.OnUpdate', params({ item: { type: 'movie' } }))).toMatchObject({
      method: 'other',
      rawMethod: 'VideoLibrary.OnUpdate',
    });
    expect(parseNotification('VideoLibrary.OnRemove', undefined)).toMatchObject({ method: 'other' });
  });
});

describe('reconnectDelayMs', () => {
  it('doubles from the minimum, stays within half to all of the step, and caps at the maximum', () => {
    expect(reconnectDelayMs(0, 500, 30_000, () => 0)).toBe(250);
    expect(reconnectDelayMs(0, 500, 30_000, () => 1)).toBe(500);
    expect(reconnectDelayMs(3, 500, 30_000, () => 1)).toBe(4_000);
    expect(reconnectDelayMs(20, 500, 30_000, () => 0.5)).toBe(22_500);
    expect(reconnectDelayMs(1_000, 500, 30_000, () => 1)).toBe(30_000);
  });
});
