/**
 * The table of every service setting: its name in config.json, its environment variable, its command-line
 * flag, its default and what it is for. Loading, validation messages, `kodi-sync config show` and
 * docs/configuration.md all read this one table, so they cannot drift apart.
 */

export type SettingType = 'string' | 'integer' | 'enum';

export interface SettingSpec {
  /** Key in config.json and in the loaded Config. */
  readonly key: string;
  /** Environment variables, the first one set wins. */
  readonly env: readonly string[];
  /** Long command-line flag without the leading dashes. */
  readonly flag: string;
  readonly type: SettingType;
  readonly values?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  readonly description: string;
  /** Masked wherever the effective configuration is shown. */
  readonly secret?: boolean;
  /** Read from config.json too (dataDir cannot be: the file lives inside it). */
  readonly inFile?: boolean;
}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export const DEMO_MODES = ['off', 'auto', 'on'] as const;

export const SETTINGS: readonly SettingSpec[] = [
  {
    key: 'dataDir',
    env: ['KODI_SYNC_DATA_DIR'],
    flag: 'data-dir',
    type: 'string',
    description:
      'Folder holding everything the service keeps: config.json, the SQLite database, api-key.txt, logs/ and ' +
      'backups/. Default ~/.config/kodi-sync ($XDG_CONFIG_HOME/kodi-sync); /var/lib/kodi-sync for the systemd ' +
      'service; in a container mount it as /config.',
    inFile: false,
  },
  {
    key: 'databaseUrl',
    env: ['DATABASE_URL', 'KODI_SYNC_DATABASE_URL'],
    flag: 'database-url',
    type: 'string',
    description:
      'PostgreSQL connection URL (postgres://user:pass@host:5432/db). Empty: a SQLite file in the data folder.',
    secret: true,
  },
  {
    key: 'port',
    env: ['KODI_SYNC_PORT'],
    flag: 'port',
    type: 'integer',
    min: 0,
    max: 65535,
    description: 'TCP port of the web API and UI (0 picks a free port).',
  },
  {
    key: 'bindAddress',
    env: ['KODI_SYNC_BIND_ADDRESS'],
    flag: 'bind-address',
    type: 'string',
    description: 'Address to listen on: 0.0.0.0 for every interface, 127.0.0.1 for this machine only.',
  },
  {
    key: 'urlBase',
    env: ['KODI_SYNC_URL_BASE'],
    flag: 'url-base',
    type: 'string',
    description:
      'Path prefix when served behind a reverse proxy (e.g. /kodi-sync); every route moves under it.',
  },
  {
    key: 'logLevel',
    env: ['KODI_SYNC_LOG_LEVEL'],
    flag: 'log-level',
    type: 'enum',
    values: LOG_LEVELS,
    description: 'How much the log says.',
  },
  {
    key: 'logSizeLimitMb',
    env: ['KODI_SYNC_LOG_SIZE_LIMIT_MB'],
    flag: 'log-size-limit-mb',
    type: 'integer',
    min: 1,
    max: 100,
    description: 'Size at which logs/kodi-sync.log is rotated, in megabytes.',
  },
  {
    key: 'logRotate',
    env: ['KODI_SYNC_LOG_ROTATE'],
    flag: 'log-rotate',
    type: 'integer',
    min: 1,
    max: 100,
    description: 'How many rotated log files are kept.',
  },
  {
    key: 'apiKey',
    env: ['KODI_SYNC_API_KEY'],
    flag: 'api-key',
    type: 'string',
    min: 16,
    description:
      'Fixes the API key instead of the one generated on first start (at least 16 characters). ' +
      'Also read by the CLI to talk to a running service.',
    secret: true,
  },
  {
    key: 'demo',
    env: ['KODI_SYNC_DEMO'],
    flag: 'demo',
    type: 'enum',
    values: DEMO_MODES,
    description:
      'Demo mode with two simulated Kodis: "auto" starts it when no Kodi is configured yet, "on" always, ' +
      '"off" never (serve then only says how to start it).',
  },
  {
    key: 'workers',
    env: ['KODI_SYNC_WORKERS'],
    flag: 'workers',
    type: 'integer',
    min: 0,
    max: 64,
    description:
      'Lanes (player groups) worked on at the same time by this process. 0 runs the API only (another ' +
      'process works the queue, PostgreSQL).',
  },
  {
    key: 'jobLeaseSeconds',
    env: ['KODI_SYNC_JOB_LEASE_SECONDS'],
    flag: 'job-lease-seconds',
    type: 'integer',
    min: 10,
    max: 3600,
    description: 'A running job whose worker stops heart-beating for this long goes back to the queue.',
  },
  {
    key: 'retryHorizonHours',
    env: ['KODI_SYNC_RETRY_HORIZON_HOURS'],
    flag: 'retry-horizon-hours',
    type: 'integer',
    min: 1,
    max: 720,
    description:
      'How long a job keeps retrying a Kodi that does not answer (backoff grows up to 30 minutes) before it fails.',
  },
  {
    key: 'retentionDays',
    env: ['KODI_SYNC_RETENTION_DAYS'],
    flag: 'retention-days',
    type: 'integer',
    min: 1,
    max: 3650,
    description: 'Finished jobs and the activity log are kept this many days.',
  },
  {
    key: 'shutdownTimeoutSeconds',
    env: ['KODI_SYNC_SHUTDOWN_TIMEOUT_SECONDS'],
    flag: 'shutdown-timeout-seconds',
    type: 'integer',
    min: 1,
    max: 600,
    description:
      'On SIGINT/SIGTERM, how long running jobs may take to finish before they are returned to the queue.',
  },
  {
    key: 'bodyLimitKb',
    env: ['KODI_SYNC_BODY_LIMIT_KB'],
    flag: 'body-limit-kb',
    type: 'integer',
    min: 16,
    max: 65536,
    description: 'Largest accepted request body (webhooks of big series imports are the largest).',
  },
  {
    key: 'backupIntervalHours',
    env: ['KODI_SYNC_BACKUP_INTERVAL_HOURS'],
    flag: 'backup-interval-hours',
    type: 'integer',
    min: 0,
    max: 8760,
    description:
      'Hours between scheduled backups of the database and settings into <dataDir>/backups (0: no scheduled ' +
      'backups; `kodi-sync backup` still works).',
  },
  {
    key: 'backupKeep',
    env: ['KODI_SYNC_BACKUP_KEEP'],
    flag: 'backup-keep',
    type: 'integer',
    min: 1,
    max: 1000,
    description:
      'How many backups are kept in <dataDir>/backups; older ones are deleted after each new backup.',
  },
];
