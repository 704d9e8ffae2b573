import { expect, type Page } from '@playwright/test';
import { expectNoA11yViolations } from './a11y';
import { DEMO_PASSWORD } from './env';

/** The path and query of the page's URL. */
export function pathOf(page: Page): string {
  const url = new URL(page.url());
  return url.pathname + url.search;
}

/** Opens a page by its path, checks it answered, and runs the accessibility check on it. */
export async function visit(page: Page, path: string, status = 200): Promise<void> {
  const response = await page.goto(path);
  expect(response, `no response for ${path}`).not.toBeNull();
  expect(response!.status(), `status of ${path}`).toBe(status);
  await expectNoA11yViolations(page);
}

/** The main menu (the header's navigation landmark). */
export function mainMenu(page: Page) {
  return page.getByRole('navigation', { name: /^(Hovedmeny|Main menu)$/ });
}

/** The page's main heading. */
export function heading(page: Page) {
  return page.getByRole('heading', { level: 1 });
}

/**
 * Logs in from the log-in page and lands on the home page, whose greeting must name the
 * person. Both pages get the accessibility check.
 */
export async function logIn(
  page: Page,
  email: string,
  name: string,
  { password = DEMO_PASSWORD, lang = 'nb' }: { password?: string; lang?: 'nb' | 'en' } = {},
): Promise<void> {
  await visit(page, '/login');
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  // The log-in page is in the browser's language; the home page in the person's own.
  await page.getByRole('button', { name: /^(Logg inn|Log in)$/ }).click();
  // A patient with questionnaires due meets them first; tests about other things put them off.
  await page.waitForURL(/\/(questionnaires)?$/);
  if (new URL(page.url()).pathname === '/questionnaires') {
    await expectNoA11yViolations(page);
    await page.getByRole('button', { name: /^(Svar senere|Answer later)$/ }).click();
    await page.waitForLoadState();
    // Another browser (the other project) may have put them off a moment before.
    if (pathOf(page) !== '/') await page.goto('/');
  }
  await expect(page).toHaveURL(/\/$/);
  await expect(page.locator('html')).toHaveAttribute('lang', lang);
  await expect(heading(page)).toHaveText(lang === 'nb' ? 'Hjem' : 'Home');
  await expect(page.locator('main')).toContainText(`${lang === 'nb' ? 'Hei' : 'Hello'}, ${name}`);
  await expectNoA11yViolations(page);
}

/** Logs out with the header's button and lands on the log-in page with the notice. */
export async function logOut(page: Page, buttonName = 'Logg ut', notice = 'Du er logget ut.'): Promise<void> {
  await page.getByRole('button', { name: buttonName, exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole('status')).toHaveText(notice);
  await expectNoA11yViolations(page);
}
