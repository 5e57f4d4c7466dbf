/**
 * After a change in a group whose Kodis share one MySQL/MariaDB video database (DESIGN §6.5): the change is
 * confirmed from a second member, and the other members' screens are refreshed so people see it.
 */
import { describeKodi } from '../kodi/errors.js';
import { joinKodi, kodiFolder, maskCredentials } from '../paths/index.js';
import { PermanentError } from '../util/errors.js';
import { scanRequested } from './idle-tracker.js';
import { videoLibraryPort } from './library-port.js';
import { findByFile } from './lookup.js';
import type { Member } from './member.js';
import type { Operation } from './operation.js';
import type { SyncEvidence } from './types.js';

/** A folder that never exists, so a Scan of it reads nothing and adds nothing. */
const SCREEN_REFRESH_FOLDER = '.kodi-sync-screen-refresh';

/** Another member must see the change at once (real-kodi.md §13); if it does not, the group is misconfigured. */
export async function confirmOnSecondMember(
  op: Operation,
  evidence: SyncEvidence,
  others: Member[],
): Promise<SyncEvidence> {
  const second = others[0];
  if (!second) {
    return {
      ...evidence,
      notes: [
        ...(evidence.notes ?? []),
        'no second member answered: shared-database visibility not confirmed',
      ],
    };
  }
  // The file as Kodi stores it (a uniqueid-fallback match or a share URL with credentials differs from the mapping).
  const file = evidence.file ?? op.kodiFile;
  const rows = await findByFile(videoLibraryPort(second.client, op.steps, op.item.kind), file);
  const wantPresent = evidence.outcome !== 'removed' && evidence.outcome !== 'already absent';
  if (rows.length > 0 !== wantPresent) {
    throw new PermanentError(
      `Group "${op.group.name}" is marked as sharing one database, but ${describeKodi(second.player.endpoint)} ` +
        `${wantPresent ? 'does not list' : 'still lists'} "${maskCredentials(file)}" after ${describeKodi(op.member.player.endpoint)} ` +
        `${wantPresent ? 'added' : 'removed'} it: check that both use the same MySQL/MariaDB video database, or clear "shared database"`,
    );
  }
  return { ...evidence, confirmedBy: second.player.name };
}

/**
 * The other members hold the change in their database but keep showing their old lists until something refreshes
 * them (xbmc#17601). The lightest refresh Kodi 19–21 offers is a Scan of a folder that does not exist: it only
 * sends OnScanStarted/OnScanFinished, which make the screens reload, and reads nothing (real-kodi.md §5). Never on
 * a member that is scanning (a Scan would cancel its scan, §3 — and its own scan's end refreshes it anyway) or one
 * someone is watching (DESIGN §2.3).
 */
export async function refreshOtherScreens(
  op: Operation,
  evidence: SyncEvidence,
  others: Member[],
): Promise<SyncEvidence> {
  const folder = kodiFolder(joinKodi(op.sourceRoot, SCREEN_REFRESH_FOLDER));
  const notes: string[] = [];
  const refreshed: string[] = [];
  for (const other of others) {
    const name = other.player.name;
    if (other.playing) {
      notes.push(`screen of ${name} not refreshed: something is playing there`);
      continue;
    }
    const scanning = await op.steps.call(
      `XBMC.GetInfoBooleans Library.IsScanningVideo ${name}`,
      () => other.client.isScanningVideo(),
      String,
    );
    if (scanning) {
      notes.push(`screen of ${name} not refreshed: it is scanning (its scan's end refreshes it)`);
      continue;
    }
    scanRequested(other.client);
    await op.steps.call(`VideoLibrary.Scan ${name} ${folder} (screen refresh)`, () =>
      other.client.scan(folder),
    );
    refreshed.push(name);
  }
  return {
    ...evidence,
    ...(notes.length > 0 && { notes: [...(evidence.notes ?? []), ...notes] }),
    ...(refreshed.length > 0 && { screensRefreshed: refreshed }),
  };
}
