import { expect, test, type Page } from '@playwright/test';
import { expectNoA11yViolations } from '../support/a11y';
import { heading, logIn, logOut, mainMenu, visit } from '../support/app';
import { lineDahl, perOlsen, perProject } from '../support/users';

// These tests change the account's stored language, so each project uses its own account.

async function switchLanguage(page: Page, to: 'en' | 'nb') {
  const button = to === 'en' ? 'English' : 'Norsk (bokmål)';
  const pathBefore = new URL(page.url()).pathname;
  await page.getByRole('banner').getByRole('button', { name: button, exact: true }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', to);
  // The switch brings the person back to the page they were on.
  await expect.poll(() => new URL(page.url()).pathname).toBe(pathBefore);
  // The button now offers the other language, in that language.
  const other = page.getByRole('banner').getByRole('button', { name: to === 'en' ? 'Norsk (bokmål)' : 'English', exact: true });
  await expect(other).toBeVisible();
  await expect(other).toHaveAttribute('lang', to === 'en' ? 'nb' : 'en');
  await expectNoA11yViolations(page);
}

test('without logging in, the header switches the log-in page to English and back', async ({ page }) => {
  await visit(page, '/login');
  await expect(page.locator('html')).toHaveAttribute('lang', 'nb');
  await expect(heading(page)).toHaveText('Logg inn');

  await switchLanguage(page, 'en');
  await expect(page).toHaveTitle('Log in – Stegvis');
  await expect(heading(page)).toHaveText('Log in');
  await expect(page.getByLabel('E-mail address')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Log in', exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Forgot your password?' })).toBeVisible();
  await expect(page.locator('footer')).toContainText('is not an emergency service');

  // The choice is kept (in a cookie) on the next page.
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await expect(heading(page)).toHaveText('Forgotten password');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expectNoA11yViolations(page);

  await switchLanguage(page, 'nb');
  await expect(heading(page)).toHaveText('Glemt passord');
  await expect(page.getByRole('button', { name: 'Send lenke' })).toBeVisible();
});

test.describe('a browser preferring neither language', () => {
  test.use({ locale: 'de-DE' });

  test('gets Norwegian bokmål', async ({ page }) => {
    await visit(page, '/login');
    await expect(page.locator('html')).toHaveAttribute('lang', 'nb');
    await expect(heading(page)).toHaveText('Logg inn');
  });
});

test("a logged-in person's language choice is stored on their account", async ({ page, context }, testInfo) => {
  const user = perProject(testInfo.project.name, perOlsen, lineDahl);
  await logIn(page, user.email, user.name);

  await switchLanguage(page, 'en');
  await expect(heading(page)).toHaveText('Home');
  await expect(page).toHaveTitle('Home – Stegvis');
  await expect(page.locator('main')).toContainText(`Hello, ${user.name}`);
  await expect(mainMenu(page).getByRole('link')).toHaveText(['Home', 'Messages', 'My progress', 'Who has seen my record', 'My data', 'Settings']);

  await logOut(page, 'Log out', 'You are logged out.');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');

  // Without the language cookie the browser asks for Norwegian, but after logging in the
  // person's own choice, English, applies.
  await context.clearCookies();
  await visit(page, '/login');
  await expect(page.locator('html')).toHaveAttribute('lang', 'nb');
  await logIn(page, user.email, user.name, { lang: 'en' });

  // And back.
  await switchLanguage(page, 'nb');
  await expect(heading(page)).toHaveText('Hjem');
  await expect(page.locator('main')).toContainText(`Hei, ${user.name}`);
  await logOut(page);
  await context.clearCookies();
  await logIn(page, user.email, user.name, { lang: 'nb' });
  await logOut(page);
});

test('the settings page changes the language too', async ({ page, context }, testInfo) => {
  const user = perProject(testInfo.project.name, perOlsen, lineDahl);
  await logIn(page, user.email, user.name);
  await visit(page, '/settings');
  const language = page.getByRole('group', { name: 'Språk' });
  await expect(language.locator('#locale-nb')).toBeChecked();
  await expect(language.getByLabel('English')).toHaveAttribute('id', 'locale-en');

  await language.locator('#locale-en').check();
  await page.getByRole('button', { name: 'Lagre', exact: true }).click();
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(heading(page)).toHaveText('Settings');
  await expect(page.getByRole('status')).toHaveText('Your settings have been saved.');
  await expect(page.getByRole('group', { name: 'Language' }).locator('#locale-en')).toBeChecked();
  await expectNoA11yViolations(page);

  await logOut(page, 'Log out', 'You are logged out.');
  await context.clearCookies();
  await logIn(page, user.email, user.name, { lang: 'en' });

  await visit(page, '/settings');
  await page.locator('#locale-nb').check();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'nb');
  await expect(page.getByRole('status')).toHaveText('Innstillingene er lagret.');
  await expect(page.locator('#locale-nb')).toBeChecked();
  await expectNoA11yViolations(page);
  await logOut(page);
});
