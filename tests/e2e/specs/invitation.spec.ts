import { expect, test } from '@playwright/test';
import { expectNoA11yViolations } from '../support/a11y';
import { heading, logIn, logOut, visit } from '../support/app';
import { linkIn, mailFiles, waitForMail } from '../support/mail';
import { orgAdmin } from '../support/users';

// An administrator invites a new therapist; the person sets their own password from the
// link in the e-mail. Each project invites its own address.

test('an invited person sets their own password and is let in', async ({ page }, testInfo) => {
  const email = `ny.behandler.${testInfo.project.name}@stegvis.demo`;
  const name = `Nina Ny ${testInfo.project.name}`;
  const password = `Et eget passord ${Date.now()}`;

  await logIn(page, orgAdmin.email, orgAdmin.name);
  await visit(page, '/admin');

  // A wrong address: the error summary says so, the name typed is kept, nothing is sent.
  await page.locator('#display_name').fill(name);
  await page.locator('#email').fill('not-an-address');
  await page.locator('#role').getByLabel('Behandler', { exact: true }).check();
  await page.locator('#email').evaluate((el: HTMLInputElement) => (el.type = 'text'));
  await page.getByRole('button', { name: 'Send invitasjon', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('Skriv en gyldig e-postadresse');
  await expect(page.locator('#display_name')).toHaveValue(name);
  await expect(page.locator('#email')).toHaveAttribute('aria-invalid', 'true');
  await expectNoA11yViolations(page);

  const before = mailFiles();
  await page.locator('#email').fill(email);
  await page.locator('#role').getByLabel('Behandler', { exact: true }).check();
  await page.getByRole('button', { name: 'Send invitasjon', exact: true }).click();
  await expect(page.getByRole('status')).toHaveText('Invitasjonen er sendt.');
  await expect(page.locator('main')).toContainText(name);
  await expectNoA11yViolations(page);
  await logOut(page);

  const mail = await waitForMail(email, before);
  expect(mail.headers['subject']).toBe('Invitasjon til Stegvis');
  await visit(page, linkIn(mail, '/invitation'));
  await expect(heading(page)).toHaveText('Velkommen til Stegvis');
  await expect(page.locator('main')).toContainText('som behandler');
  await page.locator('#password').fill(password);
  await page.locator('#password_repeat').fill(password);
  await page.getByRole('button', { name: 'Ta i bruk kontoen', exact: true }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('status')).toHaveText('Velkommen! Kontoen din er klar.');
  await expect(page.locator('main')).toContainText(`Hei, ${name}`);
  await expectNoA11yViolations(page);
});

test('an unknown page is a translated 404 in the layout', async ({ page }) => {
  await visit(page, '/finnes-ikke', 404);
  await expect(heading(page)).toHaveText('Fant ikke siden');
  await expect(page.getByRole('link', { name: 'Til forsiden' })).toBeVisible();
});
