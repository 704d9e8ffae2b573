import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { expectNoA11yViolations } from '../support/a11y';
import { heading, logIn, logOut, visit } from '../support/app';
import { orgAdmin, patient, therapist, type DemoUser } from '../support/users';

// Each project uses patients no other spec logs in as, so the questionnaires are still due
// when they log in: Nils (panic, Fjordheim, week 7, scores rising) with JavaScript, Thomas
// (waiting list, Bergvik, just started) without.
const nils: DemoUser = { email: 'nils.aas@stegvis.demo', name: 'Nils Aas' };
const thomas: DemoUser = { email: 'thomas.vik@stegvis.demo', name: 'Thomas Vik' };
const fjordheimAdmin: DemoUser = { email: 'hanne.moe@stegvis.demo', name: 'Hanne Moe' };

/** Logs in and lands on the questionnaires due, not on the home page. */
async function logInToQuestionnaires(page: Page, user: DemoUser) {
  await visit(page, '/login');
  await page.locator('#email').fill(user.email);
  await page.locator('#password').fill('stegvis-demo');
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await expect(page).toHaveURL(/\/questionnaires$/);
  await expect(heading(page)).toHaveText('Spørreskjema å svare på');
  await expectNoA11yViolations(page);
}

/** The fieldset of question `n` of the open questionnaire. */
function question(page: Page, n: number) {
  return page.getByRole('group', { name: new RegExp(`^${n}\\. `) });
}

/** Answers questions `from`..=`to` with the option at `index` (0 = the first). */
async function answerAll(page: Page, from: number, to: number, index: number) {
  for (let n = from; n <= to; n++) {
    await question(page, n).getByRole('radio').nth(index).check();
  }
}

test('the patient answers the week\'s PHQ-9 and GAD-7 at log-in and sees the chart', async ({ page }, info) => {
  const js = info.project.name === 'js';
  const user = js ? nils : thomas;
  await logInToQuestionnaires(page, user);
  await expect(page.locator('main')).toContainText('PHQ-9');
  await expect(page.locator('main')).toContainText('GAD-7');
  await page.getByRole('link', { name: 'Svar nå' }).click();
  await expect(heading(page)).toHaveText('PHQ-9 (spørreskjema om humør)');
  await expect(page.getByRole('group')).toHaveCount(9);
  await expectNoA11yViolations(page);

  // One question left out: refused, named, and the rest stays ticked.
  await answerAll(page, 1, 8, 2);
  await page.getByRole('button', { name: 'Send inn svarene' }).click();
  const summary = page.locator('.error-summary');
  await expect(summary).toContainText('Svar på spørsmål 9.');
  if (js) await expect(summary).toBeFocused();
  await expect(question(page, 1).getByLabel('Mer enn halvparten av dagene', { exact: true })).toBeChecked();
  await expectNoA11yViolations(page);
  await question(page, 9).getByLabel('Ikke i det hele tatt', { exact: true }).check();
  await page.getByRole('button', { name: 'Send inn svarene' }).click();

  // Straight on to GAD-7, then home.
  await expect(heading(page)).toHaveText('GAD-7 (spørreskjema om bekymring og uro)');
  await expect(page.getByRole('status')).toHaveText('Takk! Svarene er lagret.');
  await expectNoA11yViolations(page);
  await answerAll(page, 1, 7, 3);
  await page.getByRole('button', { name: 'Send inn svarene' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('status')).toHaveText('Takk! Svarene er lagret.');

  await page.getByRole('link', { name: 'Se fremgangen din' }).click();
  await expect(heading(page)).toHaveText('Min fremgang');
  const phq9 = page.getByRole('figure', { name: /^PHQ-9/ });
  await expect(phq9.locator('svg')).toBeVisible();
  if (js) {
    // Seeded weekly history from 11 and 12; today's 8 × 2 = 16 and 7 × 3 = 21.
    await expect(phq9).toContainText('Tallet ditt er omtrent som ved start (11 → 16)');
    await expect(page.getByRole('figure', { name: /^GAD-7/ })).toContainText('Tallet ditt har gått opp fra 12 til 21');
  } else {
    await expect(phq9).toContainText('Du har svart én gang (16)');
  }
  // The table alternative.
  await phq9.getByText('Vis som tabell').click();
  await expect(phq9.getByRole('table')).toBeVisible();
  await expectNoA11yViolations(page);
  await logOut(page);
});

test('the seeded history shows as a chart, and the therapist sees the numbers with bands', async ({ page }, info) => {
  const js = info.project.name === 'js';
  await logIn(page, patient.email, patient.name);
  await visit(page, '/progress');
  const gad7 = page.getByRole('figure', { name: /^GAD-7/ });
  await expect(gad7).toContainText(/Tallet ditt har gått ned fra 15 til \d+/);
  await expect(gad7.locator('svg circle')).not.toHaveCount(0);
  await logOut(page);

  await logIn(page, therapist.email, therapist.name);
  if (js) {
    // Nils is in Fjordheim: switch organisation first.
    await page.getByLabel('Bytt virksomhet').selectOption({ label: 'Fjordheim DPS – poliklinikk' });
    await page.getByRole('button', { name: 'Bytt', exact: true }).click();
  }
  await page.getByRole('region', { name: 'Mine pasienter' }).getByRole('link', { name: js ? nils.name : patient.name }).click();
  await expect(page).toHaveURL(/\/patients\/\d+$/);
  const measures = page.getByRole('region', { name: 'Målinger' });
  const phq9 = measures.getByRole('figure', { name: /^PHQ-9/ });
  await expect(phq9).toContainText(js ? 'Første skår 11 (moderat)' : 'Første skår 12 (moderat)');
  await expect(phq9).toContainText('10–14: moderat');
  await expect(phq9).toContainText('klinisk grense 10');
  await expect(measures).toContainText('Resultat så langt');
  if (js) await expect(measures.getByRole('figure', { name: /^GAD-7/ })).toContainText('Pålitelig forverring (grense 4).');
  await expectNoA11yViolations(page);
  // The answers behind a score, item by item.
  await phq9.getByText('Vis som tabell').click();
  await phq9.getByRole('link', { name: 'Se svarene' }).last().click();
  await expect(heading(page)).toHaveText('Svar på spørreskjema');
  await expect(page.getByRole('table')).toContainText('Tanker om at det ville vært bedre om du var død');
  await expectNoA11yViolations(page);
});

test('an admin loads a synthetic instrument pack and it comes into use', async ({ page }, info) => {
  const js = info.project.name === 'js';
  // JavaScript: Fjordheim's PDSS-SR, asked of Nils at mid-programme. Without: Bergvik's
  // LSAS-SR, which no programme asks for by default, so nobody else's questionnaires change.
  const admin = js ? fjordheimAdmin : orgAdmin;
  const instrument = js ? 'PDSS-SR (panikk)' : 'LSAS-SR (sosial angst)';
  const root = resolve(__dirname, '../../../content-modules');
  const pack = readFileSync(js ? `${root}/instrument-packs/examples/pdss-sr.synthetic.toml` : `${root}/tests/fixtures/packs/lsas-sr.synthetic.toml`, 'utf8');
  await logIn(page, admin.email, admin.name);
  await visit(page, '/admin');
  const row = page.getByRole('row', { name: new RegExp(instrument.replace(/[()]/g, '\\$&')) });
  await expect(row).toContainText('Ikke tilgjengelig i denne organisasjonen');

  // A broken pack is refused with each problem named.
  await page.getByLabel('Last inn en instrumentpakke').fill(pack.replace('languages = ["nb", "en"]', 'languages = ["nb", "de"]'));
  await page.getByRole('button', { name: 'Kontroller og last inn' }).click();
  await expect(page.locator('.error-summary')).toContainText('Ukjent språk «de»');
  await expect(row).toContainText('Ikke tilgjengelig i denne organisasjonen');
  await expectNoA11yViolations(page);

  await page.getByLabel('Last inn en instrumentpakke').fill(pack);
  await page.getByRole('button', { name: 'Kontroller og last inn' }).click();
  await expect(page.getByRole('status')).toHaveText('Instrumentpakken er lastet inn og kan brukes.');
  await expect(row).toContainText('Tilgjengelig – pakke lastet inn');
  await expectNoA11yViolations(page);
  await logOut(page);

  if (js) {
    // Nils meets the questionnaire at his next log-in, in the organisation's licensed words.
    await logInToQuestionnaires(page, nils);
    await page.getByRole('link', { name: /^Syntetisk/ }).click();
    await expect(page.locator('main')).toContainText('Syntetisk testledd 1');
    await expectNoA11yViolations(page);
    await answerAll(page, 1, 7, 2);
    await page.getByRole('button', { name: 'Send inn svarene' }).click();
    await expect(page.getByRole('status')).toHaveText('Takk! Svarene er lagret.');
  }
});
