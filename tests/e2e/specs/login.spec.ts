import { expect, test } from '@playwright/test';
import { expectNoA11yViolations } from '../support/a11y';
import { heading, visit } from '../support/app';
import { olaBerg } from '../support/users';

test('a wrong password shows the translated error and keeps the e-mail address', async ({ page }) => {
  await visit(page, '/login');
  await expect(page.locator('html')).toHaveAttribute('lang', 'nb');
  await expect(heading(page)).toHaveText('Logg inn');
  await expect(page.getByLabel('E-postadresse')).toHaveAttribute('type', 'email');
  await expect(page.getByLabel('Passord', { exact: true })).toHaveAttribute('type', 'password');

  await page.locator('#email').fill(olaBerg.email);
  await page.locator('#password').fill('not-the-password');
  await page.getByRole('button', { name: 'Logg inn', exact: true }).click();

  await expect(page).toHaveURL(/\/login$/);
  const summary = page.getByRole('alert');
  await expect(summary).toContainText('Skjemaet har feil.');
  await expect(summary).toContainText('E-postadressen eller passordet er feil.');
  await expect(page.locator('#email')).toHaveValue(olaBerg.email);
  // The password is never sent back.
  await expect(page.locator('#password')).toHaveValue('');
  // Still not logged in.
  await expect(page.getByRole('button', { name: 'Logg ut' })).toHaveCount(0);
  await expectNoA11yViolations(page);
});

test('the log-in page links to the forgotten-password page', async ({ page }) => {
  await visit(page, '/login');
  await page.getByRole('link', { name: 'Glemt passordet?' }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await expect(heading(page)).toHaveText('Glemt passord');
  await expect(page.getByLabel('E-postadresse')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Send lenke' })).toBeVisible();
  await expectNoA11yViolations(page);
});
