/**
 * JSONRPC.*, Application.GetProperties, XBMC.GetInfoBooleans/GetInfoLabels and GUI.ShowNotification, with
 * Kodi 20.1's identity (JSON-RPC 13.0.0, research/real-kodi.md §1).
 */
import { clockLabel } from '../clock-labels.js';
import { invalidParams } from '../rpc-error.js';
import { optionalInteger, requiredString, type Params } from './params.js';
import { OK, type MethodTable } from './types.js';

const APPLICATION_PROPERTIES: Record<string, unknown> = {
  version: { major: 20, minor: 1, revision: '20.1+dfsg-1', tag: 'stable' },
  name: 'Kodi',
  volume: 100,
  muted: false,
  language: 'en_GB',
  sorttokens: [],
};

function stringArray(params: Params, name: string): string[] {
  const value = params[name];
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string')) {
    throw invalidParams({ stack: { message: 'Invalid type array received', name, type: 'array' } });
  }
  return value;
}

export const systemMethods: MethodTable = {
  'JSONRPC.Ping': () => 'pong',

  'JSONRPC.Version': () => ({ version: { major: 13, minor: 0, patch: 0 } }),

  // The TCP/WebSocket port grants everything; so does an authenticated HTTP POST (§11).
  'JSONRPC.Permission': () =>
    Object.fromEntries(
      ['ReadData', 'ControlPlayback', 'ControlNotify', 'ControlPower', 'UpdateData', 'RemoveData', 'Navigate',
        'WriteFile', 'ControlSystem', 'ControlGUI', 'ManageAddon', 'ExecuteAddon', 'ControlPVR'].map((name) => [name, true]),
    ), // prettier-ignore

  'Application.GetProperties': (params) => {
    const properties = stringArray(params, 'properties');
    const answer: Record<string, unknown> = {};
    properties.forEach((property, index) => {
      if (!(property in APPLICATION_PROPERTIES)) {
        throw invalidParams({
          stack: {
            message: `array element at index ${index} does not match`,
            name: 'properties',
            type: 'array',
          },
        });
      }
      answer[property] = APPLICATION_PROPERTIES[property];
    });
    return answer;
  },

  // Result keys are the strings exactly as sent (kodi-jsonrpc.md §9); unknown booleans are false.
  'XBMC.GetInfoBooleans': (params, ctx) => {
    const answer: Record<string, boolean> = {};
    for (const name of stringArray(params, 'booleans')) {
      switch (name.toLowerCase()) {
        case 'library.isscanning':
        case 'library.isscanningvideo':
          answer[name] = ctx.jobs.isScanningVideo;
          break;
        case 'player.hasmedia':
        case 'player.hasvideo':
          answer[name] = ctx.player.active;
          break;
        case 'player.playing':
          answer[name] = ctx.player.active && !ctx.player.paused;
          break;
        case 'player.paused':
          answer[name] = ctx.player.paused;
          break;
        default:
          answer[name] = false;
      }
    }
    return answer;
  },

  'XBMC.GetInfoLabels': (params) => {
    const answer: Record<string, string> = {};
    const now = new Date();
    for (const name of stringArray(params, 'labels')) {
      answer[name] =
        name.toLowerCase() === 'system.buildversion'
          ? '20.1 (20.1.0) Git:20230311-nogitfound'
          : (clockLabel(name, now) ?? '');
    }
    return answer;
  },

  'GUI.ShowNotification': (params, ctx) => {
    const title = requiredString(params, 'title');
    const message = requiredString(params, 'message');
    const displaytime = optionalInteger(params, 'displaytime', 5000);
    ctx.toasts.push({ title, message, displaytime });
    return OK;
  },
};
