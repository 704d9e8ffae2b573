import { execFileSync } from 'node:child_process';
import { expect, test, type Page } from '@playwright/test';
import { expectNoA11yViolations } from '../support/a11y';
import { heading, logIn, logOut, visit } from '../support/app';
import { STATE_DIR } from '../support/env';
import { linkIn, mailFiles, waitForMail } from '../support/mail';
import { teamLead } from '../support/users';

// The way in, as the demo team lead takes it: a person refers themselves on the public form
// (screening included, no log-in), the team lead finds them in the intake queue, puts them on
// the waiting list (an invitation goes out), books and records the assessment, and the person
// starts in the panic programme with Maria. While waiting, the person is asked the screening
// again two weeks on: the browser cannot move the server's clock, so the test moves the
// waiting-list programme's start two weeks back in the database, as tests/integration/intake.rs
// does. Then the team's outcome report for the seeded year, with its CSV. One person per project.

function section(page: Page, name: RegExp) {
  return page.locator('section', { has: page.getByRole('heading', { level: 2, name }) });
}

async function answerAll(page: Page, instrument: RegExp, items: number, option: string) {
  const block = section(page, instrument);
  for (let n = 1; n <= items; n++) {
    await block.getByRole('group', { name: new RegExp(`^${n}\\. `) }).getByLabel(option, { exact: true }).check();
  }
}

/** Two weeks pass for a person's programme: its start moves back 14 days (Debian's sqlite3). */
function twoWeeksLater(email: string) {
  execFileSync('sqlite3', [
    `${STATE_DIR}/stegvis.db`,
    `PRAGMA busy_timeout = 5000;
     UPDATE enrolments SET start_date = date(start_date, '-14 days')
      WHERE ended_at IS NULL AND patient_id IN (SELECT p.id FROM patients p JOIN users u ON u.id = p.user_id WHERE u.email = '${email}');`,
  ]);
}

async function choose(page: Page, question: string, answer: string) {
  await page.getByRole('group', { name: question }).getByLabel(answer, { exact: true }).check();
}

test('a self-referral through the queue, the waiting list with its re-screening and the assessment to a programme with a therapist', async ({ browser }, info) => {
  test.setTimeout(240_000);
  const js = info.project.name === 'js';
  const name = js ? 'Vilde Fossum' : 'Even Kvam';
  const email = `selvhenvist.${info.project.name}@stegvis.demo`;

  // The public form: no log-in, screening included. Sending it half-filled names what is missing.
  const personContext = await browser.newContext();
  const p = await personContext.newPage();
  await visit(p, '/refer/bergvik-rph');
  await expect(heading(p)).toHaveText('Be om hjelp');
  await expect(p.locator('main')).toContainText('Du trenger ikke henvisning fra fastlegen');
  await p.locator('#name').fill(name);
  await p.locator('#email').fill(email);
  await p.locator('#birth_year').fill('1954');
  // Without JavaScript the browser's own required check is bypassed to reach the server's.
  await p.locator('form.referral-form').evaluate((f: HTMLFormElement) => (f.noValidate = true));
  await p.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(p.getByRole('alert')).toContainText('Kryss av for samtykke');
  await expect(p.locator('#name')).toHaveValue(name);
  await expectNoA11yViolations(p);

  await choose(p, 'Kjønn', 'Mann');
  await choose(p, 'Høyeste fullførte utdanning', 'Grunnskole');
  await choose(p, 'Arbeidssituasjon nå', 'Sykmeldt');
  await choose(p, 'Har du innvandret til Norge, eller er foreldrene dine innvandret?', 'Nei');
  await choose(p, 'Hva vil du helst ha hjelp med?', 'Panikkanfall eller sterk uro i kroppen');
  await choose(p, 'Hvor lenge har du hatt det slik?', '1–5 år');
  await choose(p, 'Har du fått hjelp for dette før?', 'Ja, hos fastlegen');
  await choose(p, 'Bruker du medisiner for psykiske plager nå?', 'Nei');
  await answerAll(p, /PHQ-9/, 9, 'Flere dager');
  await section(p, /PHQ-9/).getByRole('group', { name: /^9\. / }).getByLabel('Ikke i det hele tatt', { exact: true }).check();
  await answerAll(p, /GAD-7/, 7, 'Mer enn halvparten av dagene');
  await p.getByLabel(/Jeg samtykker/).check();
  await p.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(p).toHaveURL(/\/refer\/bergvik-rph\/received$/);
  await expect(heading(p)).toHaveText('Takk, vi har fått det du sendte');
  await expect(p.locator('main')).not.toContainText('116 123');
  await expectNoA11yViolations(p);

  // The team lead: the intake queue has the referral with its screening and how long it waited.
  const leadContext = await browser.newContext();
  const t = await leadContext.newPage();
  await logIn(t, teamLead.email, teamLead.name);
  await t.getByRole('navigation', { name: 'Hovedmeny' }).getByRole('link', { name: 'Inntak' }).click();
  await expect(heading(t)).toHaveText('Inntak');
  const newReferrals = section(t, /^Nye henvisninger/);
  const row = newReferrals.locator('tr', { hasText: name });
  await expect(row).toContainText('PHQ-9 8 (mild)');
  await expect(row).toContainText('GAD-7 14 (moderat)');
  await expect(row).toContainText('0 dager');
  await expect(section(t, /^Venteliste/)).toContainText('Lengst ventetid');
  await expectNoA11yViolations(t);
  await row.getByRole('link', { name }).click();
  await expect(heading(t)).toHaveText('Henvisning');
  await expect(t.locator('main')).toContainText('Grunnskole');
  await expect(t.locator('main')).toContainText('Sykmeldt');
  await expectNoA11yViolations(t);

  // On the waiting list: the person is invited to the self-help programme.
  const before = mailFiles();
  await t.getByRole('button', { name: 'Sett på venteliste' }).click();
  await expect(t.getByRole('status')).toHaveText('Satt på venteliste, og invitasjonen til selvhjelpsprogrammet er sendt.');
  const mail = await waitForMail(email, before);
  expect(mail.body).not.toContain(name);
  expect(mail.body).not.toMatch(/panikk|PHQ|GAD/i);

  // The person accepts it, and the screening is the self-help programme's first scores.
  await visit(p, linkIn(mail, '/invitation'));
  const password = `Mitt eget passord ${Date.now()}`;
  await p.locator('#password').fill(password);
  await p.locator('#password_repeat').fill(password);
  await p.getByRole('button', { name: 'Ta i bruk kontoen', exact: true }).click();
  await expect(p).toHaveURL(/\/$/);
  await expectNoA11yViolations(p);

  // Two weeks on the list: PHQ-9 and GAD-7 again. A reliable rise (8 to 16) is a flag for the team.
  twoWeeksLater(email);
  await visit(p, '/questionnaires');
  await expect(p.locator('main')).toContainText('PHQ-9');
  await expect(p.locator('main')).toContainText('GAD-7');
  await p.getByRole('link', { name: 'Svar nå' }).click();
  await expect(heading(p)).toHaveText('PHQ-9 (spørreskjema om humør)');
  for (let n = 1; n <= 8; n++) {
    await p.getByRole('group', { name: new RegExp(`^${n}\\. `) }).getByLabel('Mer enn halvparten av dagene', { exact: true }).check();
  }
  await p.getByRole('group', { name: /^9\. / }).getByLabel('Ikke i det hele tatt', { exact: true }).check();
  await p.getByRole('button', { name: 'Send inn svarene' }).click();
  await expect(p.getByRole('status')).toHaveText('Takk! Svarene er lagret.');
  await t.reload();
  await expect(t.locator('.flag-list')).toContainText('Pålitelig forverring');
  await expectNoA11yViolations(t);

  // The assessment is booked with Maria, and its outcome starts the panic programme.
  await t.locator('#assessment_time').fill('10:30');
  await t.locator('#assessment_with').selectOption({ label: 'Maria Johansen' });
  await t.getByRole('button', { name: 'Lagre avtalen' }).click();
  await expect(t.getByRole('status')).toHaveText('Vurderingssamtalen er avtalt.');
  await expect(t.locator('main')).toContainText('10:30 – Maria Johansen');
  await t.locator('#programme').selectOption({ label: 'Mestring av panikk' });
  await t.getByLabel('Veiledet av en behandler').check();
  await expect(t.locator('#therapist_id option', { hasText: 'Maria Johansen' })).toContainText('pasienter nå');
  await t.locator('#therapist_id').selectOption({ index: 1 });
  const therapistLabel = (await t.locator('#therapist_id option:checked').textContent()) ?? '';
  await t.locator('#new_step').selectOption({ label: 'Veiledet internettbehandling' });
  await t.locator('#assessment_note').fill('Panikkanfall i to år. Motivert for veiledet program på nett.');
  await t.getByRole('button', { name: 'Start behandlingen' }).click();
  await expect(t.getByRole('status')).toHaveText('Behandlingen er startet.');
  await expectNoA11yViolations(t);
  await t.getByRole('link', { name: 'Til journalen' }).click();
  await expect(t.locator('main')).toContainText('Mestring av panikk');
  await expect(t.locator('main')).toContainText(therapistLabel.split(' (')[0]);
  await expect(t.locator('main')).toContainText('Veiledet internettbehandling');

  // The person, already in Stegvis, finds their programme.
  await visit(p, '/');
  if (new URL(p.url()).pathname === '/questionnaires') {
    await p.getByRole('button', { name: 'Svar senere' }).click();
    await visit(p, '/');
  }
  await expect(p.locator('main')).toContainText('Mestring av panikk');
  await expectNoA11yViolations(p);
  await personContext.close();
  await logOut(t);
  await leadContext.close();
});

test("the team's outcome report for the seeded year, its small cells hidden, with a CSV that matches", async ({ page }) => {
  await logIn(page, teamLead.email, teamLead.name);
  await page.getByRole('navigation', { name: 'Hovedmeny' }).getByRole('link', { name: 'Rapport' }).click();
  await expect(heading(page)).toHaveText('Rapport for tjenesten');
  const total = section(page, /^Hele tjenesten$/);
  await expect(total.getByRole('img', { name: 'Utfall for avsluttede forløp' })).toBeVisible();
  const recovery = total.locator('tr', { has: page.getByRole('rowheader', { name: 'Bedring', exact: true }) }).locator('td');
  await expect(recovery).toHaveText(/^\d+\.\d % \(\d+ av \d+\)$/);
  await expect(section(page, /^Rekkevidde$/)).toContainText('67 år og eldre');
  await expect(section(page, /^Behandler$/)).toContainText('Anne Lunde');
  await expect(page.locator('main')).toContainText('<5');
  await expectNoA11yViolations(page);

  // The CSV of the same period has the same figure.
  const href = await page.getByRole('link', { name: 'Last ned som CSV' }).getAttribute('href');
  const csv = await (await page.request.get(href!)).text();
  const line = csv.split(/\r?\n/).find((l) => l.startsWith('total,all,recovery,'))!;
  const [, , , percent, n, d] = line.split(',');
  await expect(recovery).toHaveText(`${percent} % (${n} av ${d})`);

  // A narrower period is a plain GET form.
  await page.locator('#from').fill('2026-06-01');
  await page.getByRole('button', { name: 'Vis', exact: true }).click();
  await expect(page).toHaveURL(/from=2026-06-01/);
  await expect(heading(page)).toHaveText('Rapport for tjenesten');
  await expectNoA11yViolations(page);
});
