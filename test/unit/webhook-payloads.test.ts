// Malformed webhook bodies give a clear error naming the field; paths keep the sender's style; every fixture's
// events are accepted by the sync engine's own validation.
import { describe, expect, it } from 'vitest';
import { asFolderPath, joinManagerPath, WebhookPayloadError } from '../../src/api/webhooks/common.js';
import { radarrEventsFromPayload } from '../../src/api/webhooks/radarr.js';
import { sonarrEventsFromPayload } from '../../src/api/webhooks/sonarr.js';
import { validateItemEvent } from '../../src/sync/events.js';
import { ValidationError } from '../../src/util/errors.js';
import {
  webhookFixture as fixture,
  webhookFixtureNames,
  type WebhookSource,
} from '../fixtures/webhooks/load.js';

describe('malformed payloads', () => {
  it('names the missing field of a Download', () => {
    const payload = fixture('radarr', 'download-new') as { movieFile: Record<string, unknown> };
    delete payload.movieFile.path;
    delete payload.movieFile.relativePath;
    expect(() => radarrEventsFromPayload(payload)).toThrow(/movieFile\.path.*needs "path" or "relativePath"/);
  });

  it('names a field of the wrong type, inside an array', () => {
    const payload = fixture('sonarr', 'download-multi-episode') as { episodes: Record<string, unknown>[] };
    const second = payload.episodes[1];
    if (second === undefined) throw new Error('fixture has two episodes');
    second.seasonNumber = 'one';
    let caught: unknown;
    try {
      sonarrEventsFromPayload(payload);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WebhookPayloadError);
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as WebhookPayloadError).field).toBe('episodes[1].seasonNumber');
    expect((caught as Error).message).toMatch(
      /^Sonarr webhook \(Download\) payload .*episodes\[1\]\.seasonNumber/,
    );
  });

  it('rejects a body without eventType', () => {
    expect(() => radarrEventsFromPayload({ movie: {} })).toThrow(/Radarr webhook payload .*eventType/);
    expect(() => sonarrEventsFromPayload('not json')).toThrow(/Sonarr webhook payload .*\(body\)/);
  });

  it('ignores an eventType it does not know instead of failing (Radarr mutes failing connections)', () => {
    expect(radarrEventsFromPayload({ eventType: 'FutureThing' })).toEqual({
      events: [],
      ignoredReason: 'unsupported eventType "FutureThing": nothing to do',
    });
  });

  it('never removes on a deleteReason it does not know', () => {
    const payload = fixture('radarr', 'movie-file-delete-manual') as Record<string, unknown>;
    payload.deleteReason = 'somethingNew';
    expect(radarrEventsFromPayload(payload).events).toEqual([]);
  });
});

describe('manager path joining', () => {
  it.each([
    ['/movies/A (1999)', 'a.mkv', '/movies/A (1999)/a.mkv'],
    ['/tv/Show/', 'Season 01/e.mkv', '/tv/Show/Season 01/e.mkv'],
    ['D:\\TV\\Show', 'Season 01/e.mkv', 'D:\\TV\\Show\\Season 01\\e.mkv'],
    ['\\\\nas\\tv\\Show', 'Season 01\\e.mkv', '\\\\nas\\tv\\Show\\Season 01\\e.mkv'],
    ['C:\\', 'a.mkv', 'C:\\a.mkv'],
  ])('joins %s + %s in the base path style', (base, relative, expected) => {
    expect(joinManagerPath(base, relative)).toBe(expected);
  });

  it.each([
    ['/movies/A (1999)', '/movies/A (1999)/'],
    ['\\\\nas\\movies\\A (1999)', '\\\\nas\\movies\\A (1999)\\'],
    ['/', '/'],
  ])('marks %s as a folder with one trailing separator', (base, expected) => {
    expect(asFolderPath(base)).toBe(expected);
  });

  it('builds the file path from folderPath + relativePath when a sender leaves out path', () => {
    const payload = fixture('radarr', 'windows-download-new') as { movieFile: Record<string, unknown> };
    delete payload.movieFile.path;
    expect(radarrEventsFromPayload(payload).events[0]?.path).toBe(
      'D:\\Media\\Movies\\Amélie (2001)\\Amélie (2001) Bluray-1080p.mkv',
    );
  });
});

describe('every fixture gives events the sync engine accepts', () => {
  const all = (['radarr', 'sonarr'] as const).flatMap((source) =>
    webhookFixtureNames(source).map((name): [WebhookSource, string] => [source, name]),
  );

  it.each(all)('%s %s passes validateItemEvent unchanged', (source, name) => {
    const payload = fixture(source, name);
    const outcome = source === 'radarr' ? radarrEventsFromPayload(payload) : sonarrEventsFromPayload(payload);
    for (const [i, event] of outcome.events.entries()) {
      expect(validateItemEvent(event, `events[${i}]`)).toEqual(event);
    }
    expect(
      outcome.events.length > 0 || outcome.ignoredReason !== undefined || outcome.folderDeletes !== undefined,
    ).toBe(true);
  });
});
