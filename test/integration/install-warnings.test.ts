/**
 * `npm ci` on the supported Node prints no EBADENGINE warning: every locked package accepts this Node
 * (package.json pins and overrides, research/stack.md pitfall 2). A dry run checks the lock without touching
 * node_modules.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

describe('npm ci', () => {
  it('warns about no engine on this Node', async () => {
    const output = await new Promise<string>((resolve) => {
      execFile(
        'npm',
        ['ci', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund'],
        { cwd: REPO, timeout: 120_000 },
        (_error, stdout, stderr) => {
          resolve(stdout + stderr);
        },
      );
    });
    expect(output).not.toMatch(/EBADENGINE/);
    expect(output).toMatch(/added|up to date|packages/);
  }, 180_000);
});
