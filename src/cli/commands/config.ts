/**
 * `kodi-sync config show` (the effective configuration of this machine, secrets masked) and
 * `kodi-sync config show-key` (the API key: KODI_SYNC_API_KEY / apiKey setting, else <dataDir>/api-key.txt).
 */
import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { maskedConfig } from '../../config/mask.js';
import { readKeyFile } from '../api-client.js';
import { action, printJson } from '../output.js';

export function registerConfigCommand(program: Command): void {
  const config = program.command('config').description('The configuration of this machine');
  config
    .command('show', { isDefault: true })
    .description('Effective settings (defaults < config.json < environment < flags), secrets masked')
    .action(
      action(async (_options: unknown, command: Command) => {
        const effective = maskedConfig(loadConfig({ flags: command.optsWithGlobals() }));
        if (command.optsWithGlobals<{ json?: boolean }>().json === true) {
          printJson(effective);
          return;
        }
        for (const [key, value] of Object.entries(effective))
          process.stdout.write(`${key} = ${JSON.stringify(value)}\n`);
        await Promise.resolve();
      }),
    );
  config
    .command('show-key')
    .description('Print the API key (for Radarr/Sonarr webhooks, scripts and the CLI on other machines)')
    .action(
      action(async (_options: unknown, command: Command) => {
        const effective = loadConfig({ flags: command.optsWithGlobals() });
        const key = effective.apiKey ?? readKeyFile(effective.dataDir);
        await Promise.resolve();
        if (key === undefined) {
          throw new Error(
            `No API key found in ${effective.dataDir}/api-key.txt: start \`kodi-sync serve\` once (it generates one), ` +
              'or pass --data-dir pointing at the service data folder.',
          );
        }
        process.stdout.write(`${key}\n`);
      }),
    );
}
