import { expect, test, type Page } from '@playwright/test';
import { expectNoA11yViolations } from '../support/a11y';
import { heading, logIn, visit } from '../support/app';
import { DEMO_PASSWORD } from '../support/env';
import { teamLead, type DemoUser } from '../support/users';

// A risk answer from the patient's submit to the therapist's decision: the patient answers
// PHQ-9 item 9 with "several days" and meets the crisis page (with and without JavaScript);
// their therapist (Erik, who guides them) finds the urgent flag first, acknowledges it with
// "contact the patient" and a note, and the record and the audit trail show it. Then a step up
// with its handover summary. One patient per project, who started today and whom no other spec
// touches: Mona with JavaScript, Tor without.
const mona: DemoUser = { email: 'mona.strand@stegvis.demo', name: 'Mona Strand' };
const tor: DemoUser = { email: 'tor.haug@stegvis.demo', name: 'Tor Haug' };

function question(page: Page, n: number) {
  return page.getByRole('group', { name: new RegExp(`^${n}\\. `) });
}

test('a risk answer: crisis page at once, the urgent flag first, a decision in the record and the audit trail, a step up with its handover', async ({ browser }, info) => {
  test.setTimeout(180_000);
  const patient = info.project.name === 'js' ? mona : tor;
  const started = Date.now();

  // The patient: log-in leads to the questionnaires; PHQ-9 with item 9 "several days".
  const patientContext = await browser.newContext();
  const p = await patientContext.newPage();
  await visit(p, '/login');
  await p.locator('#email').fill(patient.email);
  await p.locator('#password').fill(DEMO_PASSWORD);
  await p.getByRole('button', { name: 'Logg inn' }).click();
  await expect(p).toHaveURL(/\/questionnaires$/);
  await p.getByRole('link', { name: 'Svar nå' }).click();
  await expect(heading(p)).toHaveText('PHQ-9 (spørreskjema om humør)');
  for (let n = 1; n <= 8; n++) await question(p, n).getByRole('radio').nth(1).check();
  await question(p, 9).getByLabel('Flere dager', { exact: true }).check();
  await p.getByRole('button', { name: 'Send inn svarene' }).click();

  // The crisis page, straight after the submit: the numbers, not an emergency service, when
  // the therapist will see it. Nothing about the answer in the address.
  await expect(p).toHaveURL(/\/help$/);
  await expect(heading(p)).toHaveText('Hjelp');
  const crisis = p.getByRole('region', { name: 'Trenger du hjelp nå?' });
  await expect(crisis).toContainText('Stegvis er ikke en akuttjeneste');
  for (const number of ['113', '116 117', '116 123', '22 40 00 40']) {
    await expect(crisis.getByRole('link', { name: number, exact: true })).toBeVisible();
  }
  await expect(crisis.getByRole('link', { name: '113', exact: true })).toHaveAttribute('href', 'tel:113');
  await expect(p.getByRole('region', { name: 'Når ser behandleren din dette?' })).toContainText('Behandleren din får beskjed nå');
  await expect(p.locator('main')).toContainText('Du svarte at du har hatt tanker');
  await expectNoA11yViolations(p);
  // "I need more help" is on every patient page.
  await expect(p.getByRole('link', { name: 'Jeg trenger mer hjelp' })).toBeVisible();

  // The therapist: the urgent flag is at the top of the caseload, unmistakable.
  const therapistContext = await browser.newContext();
  const t = await therapistContext.newPage();
  await logIn(t, teamLead.email, teamLead.name);
  const caseload = t.getByRole('region', { name: 'Mine pasienter' });
  const rows = caseload.locator('tbody tr');
  await expect(rows.first()).toHaveClass(/priority-urgent_flag/);
  const row = caseload.getByRole('row', { name: new RegExp(patient.name) });
  await expect(row).toHaveClass(/priority-urgent_flag/);
  await expect(row).toContainText('Haster: Risikosvar');
  await expect(t.getByRole('region', { name: 'Flagg som venter' })).toContainText(patient.name);
  await expectNoA11yViolations(t);

  // Acknowledge it: "contact the patient" and a note (the form will not go without one).
  await row.getByRole('link', { name: /Haster: Risikosvar/ }).click();
  await expect(heading(t)).toHaveText('Pasient');
  const flag = t.getByRole('article', { name: /Haster\s+Risikosvar/ });
  await expect(flag).toContainText('PHQ-9, spørsmål 9');
  await expectNoA11yViolations(t);
  await expect(flag.getByLabel('Notat')).toHaveJSProperty('required', true);
  const note = `Ringte ${patient.name.split(' ')[0]}. Ingen planer, avtalt samtale i morgen.`;
  await flag.getByLabel('Kontakt pasienten (telefon eller video)').check();
  await flag.getByLabel('Notat').fill(note);
  await flag.getByRole('button', { name: 'Lukk flagget med beslutningen' }).click();
  await expect(t.getByRole('status').first()).toHaveText('Flagget er lukket, og beslutningen er ført i journalen.');
  await expect(t.getByRole('article', { name: /Haster\s+Risikosvar/ })).toHaveCount(0);
  // In the record: the earlier flags, the journal note, the timeline.
  await expect(t.locator('#flags')).toContainText('Kontakt pasienten (telefon eller video)');
  await expect(t.locator('#notes')).toContainText(note);
  await expectNoA11yViolations(t);
  // From submit to decision: well inside a minute of clicking (the clock here includes two
  // log-ins and the accessibility checks).
  info.annotations.push({ type: 'risk answer to decision (ms)', description: String(Date.now() - started) });

  // The audit trail: the patient's own access log names the decision.
  await visit(p, '/access-log');
  await expect(p.locator('main')).toContainText('Tok en beslutning om oppfølgingen din');
  await expect(p.locator('main')).toContainText(teamLead.name);

  // A step up, with its handover summary.
  await visit(t, t.url().replace(/#.*$/, ''));
  const step = t.getByRole('region', { name: 'Behandlingstrapp' });
  await expect(step).toContainText('Trinn nå: Veiledet internettbehandling');
  await step.getByLabel('Endre trinn').selectOption({ label: 'Veiledet behandling med samtaler på telefon eller video' });
  await step.getByLabel('Begrunnelse').fill('Legger til samtaler annenhver uke etter risikosvaret.');
  await step.getByRole('button', { name: 'Lagre trinnet' }).click();
  await expect(t.getByRole('status').first()).toHaveText('Trinnet er endret, og overføringsnotatet er laget.');
  const stepAfter = t.getByRole('region', { name: 'Behandlingstrapp' });
  await expect(stepAfter).toContainText('Trinn nå: Veiledet behandling med samtaler på telefon eller video');
  await stepAfter.getByRole('link', { name: 'Åpne overføringsnotatet' }).first().click();
  await expect(heading(t)).toHaveText(`Overføringsnotat for ${patient.name}`);
  await expect(t.locator('main')).toContainText('Veiledet internettbehandling → Veiledet behandling med samtaler på telefon eller video');
  await expect(t.getByRole('figure', { name: /^PHQ-9/ })).toBeVisible();
  await expect(t.locator('main')).toContainText(note);
  await expectNoA11yViolations(t);
  // The FHIR document export.
  const href = await t.getByRole('link', { name: 'Last ned som FHIR (JSON)' }).getAttribute('href');
  const exported = await t.request.get(href!);
  expect(exported.status()).toBe(200);
  const bundle = await exported.json();
  expect(bundle.resourceType).toBe('Bundle');
  expect(bundle.type).toBe('document');
  expect(bundle.entry[0].resource.resourceType).toBe('Composition');
  expect(bundle.entry.some((e: { resource: { resourceType: string; valueInteger?: number } }) => e.resource.resourceType === 'Observation')).toBe(true);

  // The patient sees their step, and what happens next (GAD-7, still due, put off first).
  await visit(p, '/questionnaires');
  await p.getByRole('button', { name: 'Svar senere' }).click();
  await expect(p).toHaveURL(/\/$/);
  const care = p.getByRole('region', { name: 'Ditt tilbud nå' });
  await expect(care).toContainText('Veiledet behandling med samtaler på telefon eller video');
  await expect(care).toContainText('Behandleren din tar kontakt for å avtale samtaler');
  await patientContext.close();
  await therapistContext.close();
});
