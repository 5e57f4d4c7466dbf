/**
 * loadConfig: the effective service configuration from defaults < <dataDir>/config.json < environment
 * (KODI_SYNC_*, DATABASE_URL) < command-line flags, validated so that a bad value stops the start with a
 * message naming the setting, where it came from and how to fix it.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { ValidationError } from '../util/errors.js';
import { defaultDataDir } from './data-dir.js';
import { DEMO_MODES, LOG_LEVELS, SETTINGS, type SettingSpec } from './settings.js';

const urlBase = z
  .string()
  .regex(/^[A-Za-z0-9._~\-/]*$/, { error: 'may only hold letters, digits, "/", ".", "_", "~" and "-"' })
  .transform((value) => {
    const trimmed = value.replace(/^\/+|\/+$/g, '');
    return trimmed === '' ? '' : `/${trimmed}`;
  })
  .refine((value) => !value.split('/').includes('..'), { error: 'may not contain ".."' });

export const ConfigSchema = z.object({
  dataDir: z.string().min(1, { error: 'must not be empty' }),
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { error: 'must start with postgres:// or postgresql://' })
    .optional(),
  port: z.int({ error: 'must be a whole number' }).min(0).max(65535),
  bindAddress: z.string().min(1, { error: 'must not be empty' }),
  urlBase,
  logLevel: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }),
  logSizeLimitMb: z.int({ error: 'must be a whole number' }).min(1).max(100),
  logRotate: z.int({ error: 'must be a whole number' }).min(1).max(100),
  apiKey: z.string().min(16, { error: 'must be at least 16 characters long' }).optional(),
  demo: z.enum(DEMO_MODES, { error: `must be one of ${DEMO_MODES.join(', ')}` }),
  workers: z.int({ error: 'must be a whole number' }).min(0).max(64),
  jobLeaseSeconds: z.int({ error: 'must be a whole number' }).min(10).max(3600),
  retryHorizonHours: z.int({ error: 'must be a whole number' }).min(1).max(720),
  retentionDays: z.int({ error: 'must be a whole number' }).min(1).max(3650),
  shutdownTimeoutSeconds: z.int({ error: 'must be a whole number' }).min(1).max(600),
  bodyLimitKb: z.int({ error: 'must be a whole number' }).min(16).max(65536),
  backupIntervalHours: z.int({ error: 'must be a whole number' }).min(0).max(8760),
  backupKeep: z.int({ error: 'must be a whole number' }).min(1).max(1000),
});

export type Config = z.output<typeof ConfigSchema>;
export type ConfigKey = keyof Config;

/** Built-in values; the data folder's default depends on the user (defaultDataDir). */
export const DEFAULTS = {
  port: 7887,
  bindAddress: '0.0.0.0',
  urlBase: '',
  logLevel: 'info',
  logSizeLimitMb: 10,
  logRotate: 10,
  demo: 'auto',
  workers: 16,
  jobLeaseSeconds: 60,
  retryHorizonHours: 24,
  retentionDays: 30,
  shutdownTimeoutSeconds: 30,
  bodyLimitKb: 1024,
  backupIntervalHours: 24,
  backupKeep: 7,
} satisfies Partial<Record<ConfigKey, unknown>>;

export interface LoadConfigOptions {
  /** Parsed command-line flags by setting key (commander's opts()); undefined values are ignored. */
  flags?: Partial<Record<string, unknown>>;
  env?: NodeJS.ProcessEnv;
  /** Path of the config file; default <dataDir>/config.json (a missing file is fine). */
  configFile?: string;
}

type Origin = { source: 'default' | 'file' | 'env' | 'flag'; name: string };

export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const flags = options.flags ?? {};
  const values: Record<string, unknown> = { ...DEFAULTS, dataDir: defaultDataDir(env) };
  const origins = new Map<string, Origin>();

  const dataDirSpec = specOf('dataDir');
  const fromEnv = (spec: SettingSpec) => spec.env.find((name) => nonEmpty(env[name]) !== undefined);
  const dataDirEnv = fromEnv(dataDirSpec);
  if (flags.dataDir !== undefined) values.dataDir = flags.dataDir;
  else if (dataDirEnv !== undefined) values.dataDir = env[dataDirEnv];
  const dataDir = resolve(String(values.dataDir));

  const configFile = options.configFile ?? join(dataDir, 'config.json');
  for (const [key, value] of Object.entries(readConfigFile(configFile))) {
    const spec = SETTINGS.find((s) => s.key === key);
    if (spec === undefined || spec.inFile === false) {
      throw new ValidationError(
        key,
        `${configFile}: unknown setting "${key}". Known settings: ` +
          `${SETTINGS.filter((s) => s.inFile !== false)
            .map((s) => s.key)
            .join(', ')} (see docs/configuration.md).`,
      );
    }
    values[key] = value;
    origins.set(key, { source: 'file', name: configFile });
  }
  for (const spec of SETTINGS) {
    const name = fromEnv(spec);
    if (name === undefined) continue;
    values[spec.key] = fromString(spec, env[name] ?? '');
    origins.set(spec.key, { source: 'env', name });
  }
  for (const spec of SETTINGS) {
    const value = flags[spec.key];
    if (value === undefined) continue;
    values[spec.key] = typeof value === 'string' ? fromString(spec, value) : value;
    origins.set(spec.key, { source: 'flag', name: `--${spec.flag}` });
  }
  values.dataDir = dataDir;

  const parsed = ConfigSchema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? 'config');
    const spec = SETTINGS.find((s) => s.key === key);
    const origin = origins.get(key) ?? { source: 'default', name: 'default' };
    const shown = spec?.secret === true ? '(hidden)' : JSON.stringify(values[key]);
    throw new ValidationError(
      key,
      `Setting "${key}" ${issue?.message ?? 'is invalid'} (got ${shown} from ${describeOrigin(origin)}). ` +
        `Fix it in ${fixHint(spec, configFile)}; see docs/configuration.md.`,
    );
  }
  return parsed.data;
}

function specOf(key: string): SettingSpec {
  const spec = SETTINGS.find((s) => s.key === key);
  if (spec === undefined) throw new Error(`unknown setting ${key}`);
  return spec;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** Environment and flag values arrive as text; numbers are converted here so zod can name a bad one. */
function fromString(spec: SettingSpec, raw: string): unknown {
  const value = raw.trim();
  if (spec.type === 'integer' && /^-?\d+$/.test(value)) return Number(value);
  return value;
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ValidationError(
      'configFile',
      `Cannot read ${file}: ${(error as Error).message}. Check its permissions.`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(
      'configFile',
      `${file} is not valid JSON (${(error as Error).message}). Fix the file or delete it to use the defaults.`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ValidationError('configFile', `${file} must hold one JSON object like {"port": 7887}.`);
  }
  return parsed as Record<string, unknown>;
}

function describeOrigin(origin: Origin): string {
  switch (origin.source) {
    case 'file':
      return `config file ${origin.name}`;
    case 'env':
      return `environment variable ${origin.name}`;
    case 'flag':
      return `flag ${origin.name}`;
    default:
      return 'the default';
  }
}

function fixHint(spec: SettingSpec | undefined, configFile: string): string {
  if (spec === undefined) return configFile;
  const places = [`flag --${spec.flag}`, `environment variable ${spec.env.join(' / ')}`];
  if (spec.inFile !== false) places.push(`"${spec.key}" in ${configFile}`);
  return places.join(', ');
}
