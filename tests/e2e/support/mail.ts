import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAIL_DIR } from './env';

/** One mail as the server's file transport wrote it (an .eml file in MAIL_DIR). */
export interface Mail {
  file: string;
  headers: Record<string, string>;
  /** The decoded text body. */
  body: string;
}

/** The .eml files in the mail folder now; pass it to waitForMail to find only new ones. */
export function mailFiles(): Set<string> {
  return new Set(readdirSync(MAIL_DIR).filter((f) => f.endsWith('.eml')));
}

/**
 * Waits (polling) for a new mail to `to` that was not among `before`, and returns it decoded.
 * The outbox worker writes mails within a couple of seconds.
 */
export async function waitForMail(to: string, before: Set<string>, timeoutMs = 15_000): Promise<Mail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const file of [...mailFiles()].filter((f) => !before.has(f)).sort()) {
      const mail = parse(file, readFileSync(join(MAIL_DIR, file), 'latin1'));
      if (mail && (mail.headers['to'] ?? '').toLowerCase().includes(to.toLowerCase())) return mail;
    }
    if (Date.now() > deadline) {
      throw new Error(`No mail to ${to} appeared in ${MAIL_DIR} within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The first link in the mail whose path is `path` (e.g. "/reset-password"). */
export function linkIn(mail: Mail, path: string): string {
  const links = mail.body.match(/https?:\/\/[^\s<>"]+/g) ?? [];
  const link = links.find((l) => new URL(l).pathname === path);
  if (!link) throw new Error(`No ${path} link in mail ${mail.file}:\n${mail.body}`);
  return link;
}

/** Parses an .eml file read as latin1 (bytes as characters); null if it is not complete yet. */
function parse(file: string, raw: string): Mail | null {
  const split = raw.search(/\r?\n\r?\n/);
  if (split < 0) return null;
  const headers: Record<string, string> = {};
  // Unfold continued header lines, then read "Name: value".
  for (const line of raw.slice(0, split).replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rawBody = raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  let bytes: Buffer;
  if (encoding === 'quoted-printable') {
    // Soft line breaks (=\n) join lines; =XX is one byte.
    const joined = rawBody.replace(/=\r?\n/g, '');
    const out: number[] = [];
    for (let i = 0; i < joined.length; i++) {
      const hex = joined.slice(i + 1, i + 3);
      if (joined[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
        out.push(parseInt(hex, 16));
        i += 2;
      } else {
        out.push(joined.charCodeAt(i) & 0xff);
      }
    }
    bytes = Buffer.from(out);
  } else if (encoding === 'base64') {
    bytes = Buffer.from(rawBody.replace(/\s+/g, ''), 'base64');
  } else {
    bytes = Buffer.from(rawBody, 'latin1');
  }
  return { file, headers, body: bytes.toString('utf8') };
}
