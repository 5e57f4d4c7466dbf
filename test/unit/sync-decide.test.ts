import { describe, expect, it } from 'vitest';
import { decideAction } from '../../src/sync/decide.js';
import { validateItemEvent, validateItemEvents } from '../../src/sync/events.js';
import { ValidationError } from '../../src/util/errors.js';

describe('decideAction (desired state vs what Kodi has now)', () => {
  it.each([
    ['published', 1, false, null, 'publish'],
    ['published', 3, false, 2, 'publish'],
    ['published', 1, true, null, 'in-sync'],
    ['published', 1, true, 1, 'in-sync'],
    ['published', 2, true, 1, 'refresh'],
    ['published', 2, true, null, 'refresh'],
    ['published', 2, true, 2, 'in-sync'],
    ['deleted', 1, true, 1, 'remove'],
    ['deleted', 5, false, 1, 'absent'],
  ] as const)('%s rev %i, in Kodi: %s, applied %s → %s', (state, revision, present, applied, expected) => {
    expect(decideAction({ state, revision }, present, applied)).toBe(expected);
  });
});

describe('validateItemEvent', () => {
  const ok = { action: 'publish', kind: 'movie', path: '/data/movies/A (1)/A (1).mkv' };

  it('accepts a full event and normalises numeric ids to text', () => {
    expect(
      validateItemEvent({ ...ok, ids: { imdb: 'tt0133093', tmdb: 603 }, title: 'A', year: 1999 }),
    ).toEqual({
      ...ok,
      ids: { imdb: 'tt0133093', tmdb: '603' },
      title: 'A',
      year: 1999,
    });
  });

  it.each([
    [{ ...ok, action: 'scan' }, 'event.action'],
    [{ ...ok, kind: 'show' }, 'event.kind'],
    [{ ...ok, path: '' }, 'event.path'],
    [{ ...ok, path: 'movies/a.mkv' }, 'event.path'],
    [{ ...ok, path: '/data/movies/A (1)/' }, 'event.path'],
    [{ ...ok, path: '/data/../etc/passwd' }, 'event.path'],
    [{ ...ok, libraryId: 0 }, 'event.libraryId'],
    [{ ...ok, ids: { imdb: '0133093' } }, 'event.ids.imdb'],
    [{ ...ok, ids: { foo: '1' } }, 'event.ids.foo'],
    [{ ...ok, year: 1500 }, 'event.year'],
    [{ ...ok, season: 1 }, 'event.season'],
    [{ ...ok, kind: 'episode', episode: -1 }, 'event.episode'],
  ])('rejects %j naming %s', (event, field) => {
    try {
      validateItemEvent(event);
      expect.unreachable('should have thrown');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe(field);
    }
  });

  it('accepts the old paths a publish replaces, without repeats or its own path', () => {
    const old = '/movies/A (1999)/A (1999) 720p.mkv';
    expect(validateItemEvent({ ...ok, action: 'publish', replaces: [old, old, ok.path] })).toEqual({
      ...ok,
      action: 'publish',
      replaces: [old],
    });
    expect(validateItemEvent({ ...ok, action: 'republish', replaces: [ok.path] })).not.toHaveProperty(
      'replaces',
    );
  });

  it('refuses replaces on a delete and names a bad replaced path', () => {
    expect(() => validateItemEvent({ ...ok, action: 'delete', replaces: ['/movies/x.mkv'] })).toThrow(
      /event\.replaces belongs to publish or republish/,
    );
    expect(() => validateItemEvent({ ...ok, action: 'publish', replaces: ['relative.mkv'] })).toThrow(
      /event\.replaces\[0\]/,
    );
    expect(() => validateItemEvent({ ...ok, action: 'publish', replaces: 'x' })).toThrow(/event\.replaces/);
  });

  it('names the position of a bad event in a list, and refuses empty lists', () => {
    expect(() => validateItemEvents([ok, { ...ok, kind: 'x' }])).toThrow(/events\[1\]\.kind/);
    expect(() => validateItemEvents([])).toThrow(ValidationError);
  });
});
