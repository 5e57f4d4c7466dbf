/**
 * Keeps secrets (API key, Kodi passwords, notification tokens) out of every log line and error text:
 * the service registers each secret value it knows, and every log line passes through `scrub` before it
 * is written, whatever field or message the secret ended up in.
 */
import { MASK, maskUrlCredentials } from './mask.js';

export class SecretRegistry {
  private readonly values = new Set<string>();

  /** Remembers a secret; values shorter than 4 characters would mask ordinary words, so they are skipped. */
  add(value: string | null | undefined): void {
    if (value === null || value === undefined || value.length < 4) return;
    this.values.add(value);
    const escaped = JSON.stringify(value).slice(1, -1);
    if (escaped !== value) this.values.add(escaped);
    const encoded = encodeURIComponent(value);
    if (encoded !== value) this.values.add(encoded);
  }

  scrub(text: string): string {
    let out = maskUrlCredentials(text);
    for (const value of this.values) {
      if (out.includes(value)) out = out.split(value).join(MASK);
    }
    return out.replace(/([?&]apikey=)[^&\s"]+/gi, `$1${MASK}`);
  }
}
