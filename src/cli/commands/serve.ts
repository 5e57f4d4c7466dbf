/**
 * `kodi-sync serve`: runs the service (API, workers, Kodi connections) until SIGINT/SIGTERM, then stops it
 * gracefully. Every setting of docs/configuration.md is also a flag here. With `--demo auto` (or `on`) it
 * starts demo mode: two simulated Kodis, configured and published to at once. `kodi-sync demo` is
 * `serve --demo on`.
 */
import { Option, type Command } from 'commander';
import { join } from 'node:path';
import { API_KEY_FILE } from '../../api/api-key.js';
import { loadConfig, type Config } from '../../config/load.js';
import { VERSION } from '../../config/version.js';
import { SETTINGS } from '../../config/settings.js';
import { startService, type RunningService } from '../../service.js';
import { errorMessage } from '../../util/errors.js';
import { ApiClient } from '../api-client.js';
import { demoWanted, startDemo, type RunningDemo } from '../demo.js';
import { cliCommand } from '../invocation.js';
import { action } from '../output.js';
import { followBatch } from '../progress.js';

/** Options the program already has for every command (they mean the same for serve). */
const GLOBAL = new Set(['dataDir', 'apiKey']);

function addSettingOptions(command: Command): Command {
  for (const spec of SETTINGS) {
    if (GLOBAL.has(spec.key)) continue;
    const option = new Option(`--${spec.flag} <value>`, `${spec.description} (env ${spec.env.join(' / ')})`);
    if (spec.values) option.choices(spec.values);
    command.addOption(option);
  }
  return command;
}

export async function runServe(command: Command, demoOverride?: 'on'): Promise<void> {
  const flags: Record<string, unknown> = { ...command.optsWithGlobals() };
  if (demoOverride) flags.demo = demoOverride;
  const config = loadConfig({ flags });
  const service = await startService(config);
  const cli = cliCommand({ dataDir: config.dataDir, url: service.url });
  const api = new ApiClient({ url: service.url, apiKey: service.apiKey ?? config.apiKey });
  let demo: RunningDemo | undefined;
  const stopping = new AbortController();
  if (config.demo === 'on' || (config.demo === 'auto' && (await demoWanted(api)))) {
    try {
      demo = await startDemo(api, config.dataDir, service.logger);
      service.setDemoStatus({ running: true });
      process.stderr.write(
        `\nDemo mode: two simulated Kodis, ${demo.jobCount} publish job(s) in batch ${demo.batchId}. ` +
          `Watch them in the web UI at ${service.url}/ or with \`${cli} jobs list\`.\n`,
      );
      const counts = await followBatch(api, demo.batchId, {
        quiet: false,
        timeoutMs: 120_000,
        signal: stopping.signal,
      });
      process.stderr.write(
        `Demo: ${counts.succeeded}/${counts.total} items published and verified in the simulated Kodis` +
          `${counts.failed > 0 ? `, ${counts.failed} failed (\`${cli} jobs list --state failed\`)` : ''}.\n`,
      );
    } catch (error) {
      service.logger.error({ err: errorMessage(error) }, 'demo mode could not start');
    }
  }
  process.stderr.write(banner(service, config, cli));
  await new Promise<void>((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals += 1;
      if (signals > 1) {
        process.stderr.write(
          'Second signal: exiting now; running jobs return to the queue when their lease expires.\n',
        );
        process.exit(1);
      }
      stopping.abort();
      service.logger.info({ signal }, 'stopping: no new work, letting running jobs finish');
      void (async () => {
        await service.stop();
        await demo?.stop();
        resolve();
      })();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

/** What a person needs after the start: where to open it, where its data is, how to get the key, what to try. */
function banner(service: RunningService, config: Config, cli: string): string {
  const label = (name: string) => `  ${name.padEnd(9)}`;
  const lines = [`\nKodi Sync ${VERSION} is running — Ctrl+C stops it.`];
  service.urls.forEach((url, i) => lines.push(`${label(i === 0 ? 'Open' : '')}${url}`));
  lines.push(`${label('Web UI')}open an address above and sign in with the API key`);
  lines.push(`${label('Data')}${config.dataDir} (database, settings, logs/, backups/)`);
  const keyFile = join(config.dataDir, API_KEY_FILE);
  if (service.generatedKeyFile !== undefined && process.stderr.isTTY && service.apiKey !== undefined) {
    // Shown once, to the person at the terminal; never to a log or a pipe.
    lines.push(`${label('API key')}${service.apiKey} (new; kept in ${keyFile})`);
  } else if (config.apiKey !== undefined) {
    lines.push(`${label('API key')}the one set by the apiKey setting (KODI_SYNC_API_KEY or config.json)`);
  } else {
    lines.push(`${label('API key')}kept in ${keyFile}; \`${cli} config show-key\` prints it`);
  }
  lines.push(`${label('Try')}${cli} jobs list    ${cli} batches    ${cli} --help`);
  return `${lines.join('\n')}\n\n`;
}

export function registerServeCommand(program: Command): void {
  addSettingOptions(
    program
      .command('serve')
      .description('Run the service: API, workers and Kodi connections, until Ctrl+C (SIGINT) or SIGTERM'),
  ).action(action(async (_options: unknown, command: Command) => runServe(command)));
}

export function registerDemoCommand(program: Command): void {
  addSettingOptions(
    program
      .command('demo')
      .description(
        'Run the service with two simulated Kodis and a small library, and publish it — a tour in one command',
      ),
  ).action(action(async (_options: unknown, command: Command) => runServe(command, 'on')));
}
