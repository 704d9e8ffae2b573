import { expect, test, type Page } from '@playwright/test';
import { expectNoA11yViolations } from '../support/a11y';
import { heading, logIn, logOut, visit } from '../support/app';
import { patient, therapist } from '../support/users';

/** The rows of the patient's access log that say Maria Johansen, as therapist, saw the record. */
function mariasViews(page: Page) {
  return page
    .locator('main table tbody tr')
    .filter({ hasText: therapist.name })
    .filter({ hasText: 'Behandler' })
    .filter({ hasText: 'Så journalen' });
}

/** Today's date as the app writes it (dd.mm.yyyy, Norwegian standard time, UTC+1). */
function today(): string {
  const d = new Date(Date.now() + 60 * 60 * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}.${two(d.getUTCMonth() + 1)}.${d.getUTCFullYear()}`;
}

test("a therapist's look at a record shows in the patient's access log", async ({ page }) => {
  // How many times the log already shows Maria's access (the other project may add one too).
  await logIn(page, patient.email, patient.name);
  await visit(page, '/access-log');
  await expect(heading(page)).toHaveText('Hvem har sett journalen min');
  const before = await mariasViews(page).count();
  await logOut(page);

  // Maria opens Kari's record from her caseload on the home page.
  await logIn(page, therapist.email, therapist.name);
  await page.getByRole('region', { name: 'Mine pasienter' }).getByRole('link', { name: patient.name }).click();
  await expect(page).toHaveURL(/\/patients\/\d+$/);
  await expect(heading(page)).toHaveText('Pasient');
  await expect(page.locator('main')).toContainText('Det blir registrert at du har sett denne journalen.');
  const facts = page.locator('dl.facts').first();
  await expect(facts).toContainText(patient.name);
  await expect(facts).toContainText(patient.email);
  // Maria is a therapist, not a team lead: she cannot assign therapists.
  await expect(page.getByRole('region', { name: 'Tildel behandler' })).toHaveCount(0);
  await expectNoA11yViolations(page);
  await logOut(page);

  // Kari sees it.
  await logIn(page, patient.email, patient.name);
  await page.getByRole('navigation', { name: 'Hovedmeny' }).getByRole('link', { name: 'Hvem har sett journalen min' }).click();
  await expect(page).toHaveURL(/\/access-log$/);
  await expect(page.getByRole('columnheader')).toHaveText(['Når', 'Hvem', 'Rolle', 'Hva']);
  expect(await mariasViews(page).count()).toBeGreaterThanOrEqual(before + 1);
  await expect(mariasViews(page).filter({ hasText: today() }).first()).toBeVisible();
  await expectNoA11yViolations(page);
  await logOut(page);
});
