import { expect, test } from '@playwright/test';
import { expectNoA11yViolations } from '../support/a11y';
import { heading, logIn, logOut, visit } from '../support/app';
import { DEMO_PASSWORD } from '../support/env';
import { linkIn, mailFiles, waitForMail } from '../support/mail';
import { aminaHassan, jonasLie, perProject } from '../support/users';

// The test changes the account's password, so each project resets a different patient's.

test('a forgotten password is reset through the link in the e-mail, once', async ({ page }, testInfo) => {
  const user = perProject(testInfo.project.name, jonasLie, aminaHassan);
  const newPassword = `Ny setning for ${testInfo.project.name} ${Date.now()}`;

  await visit(page, '/login');
  await page.getByRole('link', { name: 'Glemt passordet?' }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await expect(heading(page)).toHaveText('Glemt passord');
  await expectNoA11yViolations(page);

  const before = mailFiles();
  await page.locator('#email').fill(user.email);
  await page.getByRole('button', { name: 'Send lenke', exact: true }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await expect(page.getByRole('status')).toHaveText(
    'Hvis adressen har en konto hos oss, har vi sendt en lenke dit. Sjekk innboksen din.',
  );
  await expectNoA11yViolations(page);

  const mail = await waitForMail(user.email, before);
  expect(mail.headers['subject']).toBe('Lenke for nytt passord');
  const link = linkIn(mail, '/reset-password');
  expect(link).toMatch(new RegExp(`^${testInfo.project.use.baseURL}/reset-password\\?token=[0-9a-f]{64}$`));

  await visit(page, link);
  await expect(heading(page)).toHaveText('Lag nytt passord');
  await page.locator('#password').fill(newPassword);
  await page.locator('#password_repeat').fill(newPassword);
  await page.getByRole('button', { name: 'Lagre passordet', exact: true }).click();

  // Logged in, with the notice; the week's questionnaires come first (put off here), then home.
  await expect(page).toHaveURL(/\/questionnaires$/);
  await expect(page.getByRole('status')).toHaveText('Passordet er endret, og du er logget inn.');
  await expectNoA11yViolations(page);
  await page.getByRole('button', { name: 'Svar senere' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(heading(page)).toHaveText('Hjem');
  await expect(page.locator('main')).toContainText(`Hei, ${user.name}`);
  await expectNoA11yViolations(page);
  await logOut(page);

  // The old password no longer works; the new one does.
  await page.locator('#email').fill(user.email);
  await page.locator('#password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Logg inn', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('E-postadressen eller passordet er feil.');
  await expectNoA11yViolations(page);
  await logIn(page, user.email, user.name, { password: newPassword });
  await logOut(page);

  // The link worked once.
  await visit(page, link);
  await expect(heading(page)).toHaveText('Lag nytt passord');
  await expect(page.locator('main')).toContainText('Lenken er brukt eller har gått ut.');
  await expect(page.locator('#password')).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Glemt passordet?' })).toBeVisible();
});
