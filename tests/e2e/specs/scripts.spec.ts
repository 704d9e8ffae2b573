import { expect, test, type Response } from '@playwright/test';
import { visit } from '../support/app';

// With JavaScript, pages are the same HTML plus small wasm islands (the session-timeout
// warning). The islands only work if the page's script and wasm load. (Run in the js project
// only: playwright.config.ts leaves this file out of no-js.)
test('the page script and wasm load without errors', async ({ page }) => {
  const failed: string[] = [];
  const errors: string[] = [];
  page.on('response', (r: Response) => {
    if (r.status() >= 400) failed.push(`${r.status()} ${r.request().method()} ${r.url()}`);
  });
  page.on('requestfailed', (r) => failed.push(`${r.failure()?.errorText} ${r.method()} ${r.url()}`));
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console error: ${m.text()}`);
  });

  const wasm = page.waitForResponse((r) => new URL(r.url()).pathname.endsWith('.wasm'));
  await visit(page, '/login');
  const wasmResponse = await wasm;
  expect(wasmResponse.status(), `the wasm ${wasmResponse.url()}`).toBe(200);
  // The module has loaded and the islands have been handed to it.
  await page.waitForFunction(() => '__hydrateIsland' in window);
  await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => undefined);
  expect(failed, 'requests that failed').toEqual([]);
  expect(errors, 'script errors').toEqual([]);
});
