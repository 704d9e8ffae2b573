import { expect, test } from '@playwright/test';
import { expectNoA11yViolations } from '../support/a11y';
import { logIn, visit } from '../support/app';
import type { DemoUser } from '../support/users';

// An administrator words a notification mail the organisation's own way, and takes the
// built-in text back. Fjordheim's admin, a notice only the reminders job sends, and a
// different notice in each project, so no other spec's mail changes while this runs.
const fjordheimAdmin: DemoUser = { email: 'hanne.moe@stegvis.demo', name: 'Hanne Moe' };

test('an administrator words a notification text, is refused a link, and takes the built-in text back', async ({ page }, info) => {
  const js = info.project.name === 'js';
  const notice = js ? 'Når det er tid for spørsmålene' : 'En påminnelse når det er en stund siden sist';
  await logIn(page, fjordheimAdmin.email, fjordheimAdmin.name);
  await visit(page, '/admin');
  const section = page.locator('#notice-texts');
  await expect(section.getByRole('heading', { level: 2 })).toHaveText('Varslingstekster');
  const text = () => section.locator('details', { has: page.locator('summary', { hasText: notice }) });
  const open = async () => {
    if (!(await text().evaluate((d: HTMLDetailsElement) => d.open))) await text().locator('summary').click();
  };
  await open();
  const norwegian = text().getByLabel('Norsk (bokmål)');
  await expect(norwegian).not.toHaveValue('');

  // A link is refused, the text stays to be corrected, and the error leads to the field.
  await norwegian.fill('Hei! Se www.fjordheim.example for mer.');
  await text().getByRole('button', { name: 'Lagre teksten' }).click();
  await expect(page.locator('.error-summary')).toContainText('Teksten kan ikke inneholde lenker');
  await expect(text().getByLabel('Norsk (bokmål)')).toHaveValue('Hei! Se www.fjordheim.example for mer.');
  await expectNoA11yViolations(page);

  const own = 'Hei! Det er noe nytt til deg hos oss i Fjordheim.';
  await text().getByLabel('Norsk (bokmål)').fill(own);
  await text().getByRole('button', { name: 'Lagre teksten' }).click();
  await expect(page.getByRole('status')).toHaveText('Varslingsteksten er lagret.');
  await expect(text().locator('summary')).toContainText('(egen tekst)');
  await open();
  await expect(text().getByLabel('Norsk (bokmål)')).toHaveValue(own);
  await expectNoA11yViolations(page);

  await text().getByRole('button', { name: 'Bruk standardteksten' }).click();
  await expect(page.getByRole('status')).toHaveText('Varslingsteksten er lagret.');
  await expect(text().locator('summary')).not.toContainText('(egen tekst)');
  await open();
  await expect(text().getByLabel('Norsk (bokmål)')).not.toHaveValue(own);
});
