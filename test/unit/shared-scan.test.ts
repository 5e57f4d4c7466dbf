import { describe, expect, it } from 'vitest';
import { commonFolder, SharedScanRegistry, type SharedScanNote } from '../../src/sync/shared-scan.js';

const note = (at: number): SharedScanNote => ({
  jobId: 7,
  directory: '/m/',
  items: 3,
  added: new Set([1, 2]),
  completion: 'OnScanFinished event',
  at,
});

describe('shared scans: what one scan covers', () => {
  it('scans the source root for movies side by side, and the deeper folder they share when there is one', () => {
    expect(commonFolder(['/m/A (2000)/', '/m/B (2001)/'], '/m/')).toBe('/m/');
    expect(commonFolder(['/m/Sci-Fi/A (2000)/', '/m/Sci-Fi/B (2001)/'], '/m/')).toBe('/m/Sci-Fi/');
    expect(commonFolder(['/m/Sci-Fi/A (2000)/', '/m/Drama/B (2001)/'], '/m/')).toBe('/m/');
    // A prefix of a name is not a common folder.
    expect(commonFolder(['/m/Star/A/', '/m/Stargate/B/'], '/m/')).toBe('/m/');
  });

  it('hands a lane-mate its note once, only in its own lane, and forgets notes older than ten minutes', () => {
    const registry = new SharedScanRegistry();
    registry.record(1, ['/m/A/a.mkv', '/m/B/b.mkv'], note(1_000));
    expect(registry.covers(2, '/m/A/a.mkv', 1_000)).toBe(false);
    expect(registry.take(1, '/m/A/a.mkv', 2_000)).toMatchObject({ jobId: 7 });
    expect(registry.take(1, '/m/A/a.mkv', 2_000)).toBeUndefined();
    expect(registry.covers(1, '/m/B/b.mkv', 2_000)).toBe(true);
    expect(registry.take(1, '/m/B/b.mkv', 1_000 + 10 * 60_000 + 1)).toBeUndefined();
  });
});
