/**
 * The service log: JSON lines to <dataDir>/logs/kodi-sync.log, rotated by size (the *arr habit,
 * research/webhooks-and-ecosystem.md §E), and one readable line per event on the console (console-format.ts);
 * every line scrubbed of registered secrets.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { createStream, type RotatingFileStream } from 'rotating-file-stream';
import { consoleLine } from './console-format.js';
import type { Config } from './load.js';
import type { SecretRegistry } from './secrets.js';

export interface ServiceLogger {
  logger: Logger;
  /** Path of the current log file. */
  file: string;
  /** Flushes and closes the log file. */
  close(): Promise<void>;
}

/** Field names whose values never reach the log, wherever they sit in a logged object. */
const REDACTED_KEYS = ['password', 'apiKey', 'apikey', 'token', 'secret', 'authorization', 'x-api-key'];

export function createServiceLogger(
  config: Pick<Config, 'dataDir' | 'logLevel' | 'logSizeLimitMb' | 'logRotate'>,
  secrets: SecretRegistry,
  options: { stdout?: boolean } = {},
): ServiceLogger {
  const dir = join(config.dataDir, 'logs');
  mkdirSync(dir, { recursive: true });
  const fileStream: RotatingFileStream = createStream('kodi-sync.log', {
    path: dir,
    size: `${config.logSizeLimitMb}M`,
    maxFiles: config.logRotate,
  });
  fileStream.on('error', (error) => {
    process.stderr.write(`kodi-sync: cannot write the log file in ${dir}: ${error.message}\n`);
  });
  const toStdout = options.stdout ?? true;
  const colour = process.stdout.isTTY && process.env.NO_COLOR === undefined;
  const destination = {
    write(line: string): void {
      const clean = secrets.scrub(line);
      if (toStdout) process.stdout.write(consoleLine(clean, colour));
      fileStream.write(clean);
    },
  };
  const paths = REDACTED_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]).map((path) =>
    path.includes('-') ? path.replace(/\.?(x-api-key)$/, '["$1"]') : path,
  );
  const logger = pino({ level: config.logLevel, redact: { paths, censor: '********' } }, destination);
  return {
    logger,
    file: join(dir, 'kodi-sync.log'),
    close: () =>
      new Promise<void>((resolve) => {
        fileStream.end(() => {
          resolve();
        });
      }),
  };
}
