import { expect, test, type Page } from '@playwright/test';
import { expectNoA11yViolations } from '../support/a11y';
import { heading, logIn, visit } from '../support/app';
import { mailFiles, waitForMail, type Mail } from '../support/mail';
import { therapist, type DemoUser } from '../support/users';

// A morning's work for the demo therapist: the caseload, most urgent first; a worksheet read
// and answered from the patient's record; the patient told by a mail with nothing clinical in
// it, reading the feedback and writing back. Each project answers its own patient, who handed
// in module 1 yesterday and whom no other spec touches: Sara (panic) with JavaScript, Henrik
// (depression) without.
const sara: DemoUser = { email: 'sara.lunde@stegvis.demo', name: 'Sara Lunde' };
const henrik: DemoUser = { email: 'henrik.moen@stegvis.demo', name: 'Henrik Moen' };

/** Clinical or service-revealing words that no notification may contain. */
const FORBIDDEN = [
  'phq', 'gad', 'skår', 'score', 'panikk', 'panic', 'angst', 'anxiety', 'depresj', 'depress', 'nedstemt', 'psyk', 'terapi',
  'therap', 'behandl', 'diagnos', 'symptom', 'selvmord', 'mestring', 'innlevering', 'homework', 'modul', 'program', 'journal',
];

function expectNothingClinical(mail: Mail, alsoNot: string[]) {
  const text = `${mail.headers['subject'] ?? ''}\n${mail.headers['from'] ?? ''}\n${mail.body}`.toLowerCase();
  for (const word of [...FORBIDDEN, ...alsoNot.map((w) => w.toLowerCase())]) {
    expect(text, `the mail must not contain "${word}"`).not.toContain(word);
  }
}

function caseload(page: Page) {
  return page.getByRole('region', { name: 'Mine pasienter' });
}

/** The caseload's patient names, top to bottom. */
async function namesInOrder(page: Page): Promise<string[]> {
  return caseload(page).locator('tbody th[scope="row"] > a').allTextContents();
}

test('a morning: urgent first, a worksheet answered, the patient told without content and writing back', async ({ browser }, info) => {
  test.setTimeout(180_000);
  const patient = info.project.name === 'js' ? sara : henrik;
  const therapistContext = await browser.newContext();
  const page = await therapistContext.newPage();
  await logIn(page, therapist.email, therapist.name);

  // An open flag first (Kari asked for more help last night), then overdue homework (Jonas),
  // then new homework (this project's patient).
  const names = await namesInOrder(page);
  const at = (name: string) => {
    expect(names, `${name} is on the caseload`).toContain(name);
    return names.indexOf(name);
  };
  expect(at('Kari Nordmann')).toBe(0);
  expect(at('Jonas Lie')).toBe(1);
  expect(at(patient.name)).toBeGreaterThan(1);
  const jonas = caseload(page).getByRole('row', { name: /Jonas Lie/ });
  await expect(jonas).toContainText('Svar på overtid');
  await expect(jonas).toContainText('PHQ-9');
  // The filters find the patient by name and by what waits.
  await page.getByLabel('Navn').fill(patient.name.split(' ')[0]);
  await page.getByRole('button', { name: 'Vis' }).click();
  await expect.poll(() => namesInOrder(page)).toEqual([patient.name]);
  await expectNoA11yViolations(page);
  await visit(page, '/?status=flag');
  expect(await namesInOrder(page)).toEqual(['Kari Nordmann']);
  await visit(page, '/?status=new_message');
  expect(await namesInOrder(page)).not.toContain('Jonas Lie');
  await visit(page, '/');

  // From the caseload to the record, and from what waits to the worksheet.
  await caseload(page).getByRole('row', { name: new RegExp(patient.name) }).getByRole('link', { name: /innlevering/ }).click();
  await expect(heading(page)).toHaveText('Pasient');
  await expect(page.locator('main')).toContainText(patient.name);
  await expectNoA11yViolations(page);
  await page.getByRole('region', { name: 'Venter på deg' }).getByRole('link', { name: /^Innlevering i modul 1/ }).click();
  await expect(heading(page)).toHaveText('Hjemmeoppgave');
  await expectNoA11yViolations(page);
  // What the patient wrote: none of it may reach the mail.
  const answers = (await page.locator('main dd, main td').allTextContents()).map((t) => t.trim()).filter((t) => t.length > 3);
  expect(answers.length).toBeGreaterThan(3);
  const feedback = `Takk for tydelige mål, ${patient.name.split(' ')[0]}. Start med det første steget denne uka.`;
  const before = mailFiles();
  await page.getByLabel('Tilbakemelding til pasienten').fill(feedback);
  await page.getByRole('button', { name: 'Send tilbakemelding' }).click();
  await expect(page.getByRole('status')).toHaveText('Tilbakemeldingen er sendt.');
  await expectNoA11yViolations(page);

  // The patient is told: a neutral subject, a link, nothing from the record.
  const mail = await waitForMail(patient.email, before);
  expect(mail.headers['subject']).toBe('Nytt i Stegvis');
  expect(mail.body).toContain(info.project.use.baseURL + '/');
  expectNothingClinical(mail, [feedback, patient.name, therapist.name, ...answers]);

  // The patient reads the feedback and writes back.
  const patientContext = await browser.newContext();
  const p = await patientContext.newPage();
  await logIn(p, patient.email, patient.name);
  await visit(p, '/progress');
  await visit(p, '/');
  const card = p.locator('main section.card').filter({ has: p.getByRole('heading', { level: 2, name: /Mestring/ }) }).first();
  await card.getByRole('heading', { level: 2 }).getByRole('link').click();
  await p.locator('a[href$="/modules/1"]').first().click();
  // The last page of the module holds the homework and the feedback on it.
  const pages = p.getByRole('navigation', { name: 'Sider i modulen' }).getByRole('link');
  await pages.last().click();
  await expect(p.locator('.feedback')).toContainText(feedback);
  await expectNoA11yViolations(p);
  await p.getByRole('navigation', { name: 'Hovedmeny' }).getByRole('link', { name: 'Meldinger' }).click();
  await expect(heading(p)).toHaveText('Meldinger');
  await expect(p.locator('main')).toContainText('Maria Johansen svarer vanligvis på disse dagene: mandag, onsdag, torsdag.');
  await expectNoA11yViolations(p);
  const reply = `Tusen takk! Jeg begynner i morgen. (${info.project.name})`;
  const beforeReply = mailFiles();
  await p.getByLabel('Skriv en melding').fill(reply);
  await p.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(p.getByRole('status').first()).toHaveText('Meldingen er sendt.');
  await expect(p.locator('.thread')).toContainText(reply);
  await expectNoA11yViolations(p);

  // The therapist is told too, and finds the message waiting on the caseload and the record.
  const staffMail = await waitForMail(therapist.email, beforeReply).catch(() => null);
  // One mail per quarter of an hour: the other project may already have caused Maria's.
  if (staffMail) expectNothingClinical(staffMail, [reply, patient.name]);
  await visit(page, '/');
  const row = caseload(page).getByRole('row', { name: new RegExp(patient.name) });
  await expect(row).toContainText('1 melding(er)');
  await row.getByRole('link', { name: patient.name }).click();
  await expect(page.getByRole('region', { name: 'Meldinger' })).toContainText(reply);
  await expectNoA11yViolations(page);
  await patientContext.close();
  await therapistContext.close();
});
