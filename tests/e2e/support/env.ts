// Where the test server listens and where it keeps its state. Shared by playwright.config.ts
// and the helpers, so both read the same values (start-server.sh uses the same defaults).

export const PORT = Number(process.env.STEGVIS_E2E_PORT ?? '3100');
export const BASE_URL = `http://127.0.0.1:${PORT}`;
/** start-server.sh wipes and recreates this folder each run; mails land in its mail/ folder. */
export const STATE_DIR = process.env.STEGVIS_E2E_DIR ?? '/tmp/stegvis-e2e';
export const MAIL_DIR = `${STATE_DIR}/mail`;

/** The password of every demo account (server/src/seed.rs). */
export const DEMO_PASSWORD = 'stegvis-demo';
