/**
 * `kodi-sync publish|republish|delete <path>`: hand one item event to a RUNNING service (POST /api/v1/items/<action>)
 * and, with --wait, follow its jobs until each one ended (succeeded with Kodi's evidence, or failed with the reason).
 * Exit code 0 only when every job succeeded.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { apiClientFor, wantsJson, type ApiClient } from '../api-client.js';
import { action, printJson } from '../output.js';
import { followBatch } from '../progress.js';

type Action = 'publish' | 'republish' | 'delete';

interface ItemOptions {
  kind?: 'movie' | 'episode';
  library?: number;
  title?: string;
  year?: number;
  season?: number;
  episode?: number;
  imdb?: string;
  tmdb?: string;
  tvdb?: string;
  wait?: boolean;
  timeout: number;
}

interface SubmitAnswer {
  batchId: number;
  jobIds: number[];
}

interface JobView {
  id: number;
  lane: number;
  state: string;
  result?: unknown;
  lastError?: string | null;
}

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('not a whole number');
  return n;
}

function kindOption(value: string): 'movie' | 'episode' {
  if (value !== 'movie' && value !== 'episode') throw new InvalidArgumentError('movie or episode');
  return value;
}

/** movie unless told otherwise, or the file name carries S01E02 / season+episode were given. */
function inferKind(path: string, options: ItemOptions): 'movie' | 'episode' {
  if (options.kind) return options.kind;
  if (options.season !== undefined || options.episode !== undefined) return 'episode';
  return /[Ss]\d{1,3}[Ee]\d{1,4}/.test(path.split(/[\\/]/).at(-1) ?? '') ? 'episode' : 'movie';
}

export function itemEventBody(path: string, options: ItemOptions): Record<string, unknown> {
  const ids = {
    ...(options.imdb !== undefined && { imdb: options.imdb }),
    ...(options.tmdb !== undefined && { tmdb: options.tmdb }),
    ...(options.tvdb !== undefined && { tvdb: options.tvdb }),
  };
  return {
    kind: inferKind(path, options),
    path,
    ...(options.library !== undefined && { libraryId: options.library }),
    ...(Object.keys(ids).length > 0 && { ids }),
    ...(options.title !== undefined && { title: options.title }),
    ...(options.year !== undefined && { year: options.year }),
    ...(options.season !== undefined && { season: options.season }),
    ...(options.episode !== undefined && { episode: options.episode }),
  };
}

function summary(job: JobView): string {
  const result = (job.result ?? {}) as {
    outcome?: string;
    kodiIds?: number[];
    member?: string;
    completion?: string;
  };
  if (job.state === 'succeeded') {
    return `${result.outcome ?? 'done'} on ${result.member ?? '?'} (Kodi id ${(result.kodiIds ?? []).join(', ') || '-'}; ${result.completion ?? ''})`;
  }
  return job.lastError ?? job.state;
}

async function follow(
  api: ApiClient,
  answer: SubmitAnswer,
  json: boolean,
  timeoutMs: number,
): Promise<JobView[]> {
  const counts = await followBatch(api, answer.batchId, { quiet: json, timeoutMs });
  if (counts.queued + counts.running + counts.deferred > 0) {
    throw new Error(
      `still running after ${Math.round(timeoutMs / 1000)} s (batch ${answer.batchId}); follow it with \`kodi-sync jobs list\``,
    );
  }
  const jobs = await api.get<{ jobs: JobView[] } | JobView[]>('/api/v1/jobs', { batchId: answer.batchId });
  return Array.isArray(jobs) ? jobs : jobs.jobs;
}

async function run(act: Action, path: string, options: ItemOptions, command: Command): Promise<void> {
  const api = apiClientFor(command);
  const json = wantsJson(command);
  const answer = await api.post<SubmitAnswer>(`/api/v1/items/${act}`, itemEventBody(path, options));
  if (!options.wait) {
    if (json) printJson(answer);
    else process.stdout.write(`queued: batch ${answer.batchId}, job(s) ${answer.jobIds.join(', ')}\n`);
    return;
  }
  const jobs = await follow(api, answer, json, options.timeout);
  if (json) printJson({ ...answer, jobs });
  else
    for (const job of jobs)
      process.stdout.write(`job ${job.id} (group ${job.lane}): ${job.state} — ${summary(job)}\n`);
  if (jobs.some((job) => job.state !== 'succeeded' && TERMINAL.has(job.state))) process.exitCode = 1;
}

export function registerItemsCommand(program: Command): void {
  const descriptions: Record<Action, string> = {
    publish:
      'tell Kodi Sync a file was published: every group serving its library scans it in and verifies it',
    republish: 'tell Kodi Sync a file changed (metadata, art): Kodi refreshes it, keeping watched state',
    delete: 'tell Kodi Sync a file was deleted: Kodi removes it (after playback ends), verified',
  };
  for (const act of ['publish', 'republish', 'delete'] as const) {
    program
      .command(`${act} <path>`)
      .description(descriptions[act])
      .option('--kind <kind>', 'movie or episode (default: guessed from S01E02 in the name)', kindOption)
      .option('--library <id>', 'library id (default: the library whose root holds the path)', wholeNumber)
      .option('--title <title>', 'title, for the fallback lookup')
      .option('--year <year>', 'year, for the fallback lookup', wholeNumber)
      .option('--season <n>', 'season number (episodes)', wholeNumber)
      .option('--episode <n>', 'episode number (episodes)', wholeNumber)
      .option('--imdb <id>', 'IMDb id (tt…)')
      .option('--tmdb <id>', 'TMDb id')
      .option('--tvdb <id>', 'TheTVDB id')
      .option('--wait', 'follow the jobs until they end; exit code 1 unless all succeeded')
      .option('--timeout <ms>', 'give up following after this long', wholeNumber, 30 * 60_000)
      .option('--json', 'print JSON')
      .action(
        action(async (path: string, _options: unknown, command: Command) => {
          await run(act, path, command.opts<ItemOptions>(), command);
        }),
      );
  }
}
