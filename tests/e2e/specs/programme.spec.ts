import { expect, test, type Browser, type Page } from '@playwright/test';
import { expectNoA11yViolations } from '../support/a11y';
import { heading, logIn } from '../support/app';
import { therapist, type DemoUser } from '../support/users';

/** A new demo patient who starts a programme today, with module 1 open (server/src/seed). */
interface Starter {
  user: DemoUser;
  programme: { nb: string; en: string };
  module1: { nb: string; en: string };
}

const PANIC: Starter = {
  user: { email: 'ny.panikk@stegvis.demo', name: 'Emma Solberg' },
  programme: { nb: 'Mestring av panikk', en: 'Coping with panic' },
  module1: { nb: 'Velkommen – og dine mål', en: 'Welcome – and your goals' },
};
const SOCIAL: Starter = {
  user: { email: 'ny.sosial@stegvis.demo', name: 'Ali Rahimi' },
  programme: { nb: 'Mestring av sosial angst', en: 'Coping with social anxiety' },
  module1: { nb: '', en: '' },
};
const DEPRESSION: Starter = {
  user: { email: 'ny.depresjon@stegvis.demo', name: 'Lise Berge' },
  programme: { nb: 'Mestring av nedstemthet', en: 'Coping with low mood' },
  module1: { nb: '', en: '' },
};

/** Each project works through different programmes, so both can run against one server. */
function startersFor(project: string): Starter[] {
  return project === 'no-js' ? [SOCIAL, DEPRESSION] : [PANIC];
}

async function switchLanguage(page: Page, to: 'English' | 'Norsk (bokmål)') {
  await page.getByRole('button', { name: to }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', to === 'English' ? 'en' : 'nb');
}

/** Reads the module from its first page to its last, checking each page. */
async function readToTheEnd(page: Page): Promise<number> {
  let pages = 1;
  for (;;) {
    await expect(page.locator('article.module-text h2')).toBeVisible();
    await expect(page.locator('.page-list')).toContainText(`Side ${pages} av`);
    const next = page.getByRole('link', { name: 'Neste side' });
    if ((await next.count()) === 0) return pages;
    await next.click();
    pages += 1;
  }
}

async function therapistAnswers(browser: Browser, starter: Starter, feedback: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await logIn(page, therapist.email, therapist.name);
  // The caseload row says what waits; the patient's record lists it.
  const row = page.getByRole('region', { name: 'Mine pasienter' }).getByRole('row', { name: new RegExp(starter.user.name) });
  await row.getByRole('link', { name: /innlevering/ }).click();
  await expect(heading(page)).toHaveText('Pasient');
  await page.getByRole('region', { name: 'Venter på deg' }).getByRole('link', { name: /^Innlevering i modul 1/ }).click();
  await expect(heading(page)).toHaveText('Hjemmeoppgave');
  await expect(page.locator('main')).toContainText('Gå til jobb uten å snu i døra');
  await expectNoA11yViolations(page);
  await page.getByLabel('Tilbakemelding til pasienten').fill(feedback);
  await expect(page.getByLabel('Åpne neste modul når tilbakemeldingen sendes')).toBeChecked();
  await page.getByRole('button', { name: 'Send tilbakemelding' }).click();
  await expect(page.getByRole('status')).toHaveText('Tilbakemeldingen er sendt.');
  await expect(page.locator('.feedback')).toContainText(feedback);
  await expectNoA11yViolations(page);
  await context.close();
}

test('a patient reads module 1 in both languages, sends the homework and gets feedback', async ({ page, browser }, info) => {
  // A whole module, twice over for no-js (two programmes), with an axe check on every page.
  test.setTimeout(240_000);
  const js = info.project.name === 'js';
  for (const starter of startersFor(info.project.name)) {
    await logIn(page, starter.user.email, starter.user.name);
    const card = page.getByRole('region', { name: starter.programme.nb });
    await expect(card).toContainText('Uke 1 av 12');
    await card.getByRole('link', { name: /^Fortsett: / }).click();
    await expect(page).toHaveURL(/\/programmes\/\d+\/modules\/1$/);
    // The title says where, not what: module names stay out of the browser history.
    await expect(page).toHaveTitle(/^Modul 1 · Side 1 av \d+ – Stegvis$/);
    const title = (await heading(page).textContent())!;
    if (starter.module1.nb) await expect(heading(page)).toHaveText(starter.module1.nb);
    await expectNoA11yViolations(page);

    // In English too: the same module, translated.
    await switchLanguage(page, 'English');
    await expect(heading(page)).not.toHaveText(title);
    if (starter.module1.en) await expect(heading(page)).toHaveText(starter.module1.en);
    await expect(page.getByRole('navigation', { name: 'Pages in this module' })).toBeVisible();
    await expectNoA11yViolations(page);
    await switchLanguage(page, 'Norsk (bokmål)');

    const pages = await readToTheEnd(page);
    expect(pages).toBeGreaterThanOrEqual(5);
    const form = page.locator('#homework-form');
    await expect(page.getByRole('heading', { name: 'Skjema: Mine mål' })).toBeVisible();
    await expectNoA11yViolations(page);

    // A second goal needs a second row: added by a plain submit, which also saves the draft.
    await form.getByLabel('Målet mitt (må fylles ut)').fill('Gå til jobb uten å snu i døra');
    await form.getByLabel('Hvor viktig er målet for deg? (0–10)').first().fill('12');
    await form.getByRole('button', { name: 'Legg til en rad' }).click();
    await expect(page.getByRole('group', { name: 'Rad 2' })).toBeVisible();
    await expect(form.getByLabel('Målet mitt (må fylles ut)').first()).toHaveValue('Gå til jobb uten å snu i døra');

    if (js) {
      // Typing is saved on the server a few seconds later, without a button.
      const saved = page.waitForResponse((r) => r.url().endsWith('/api/autosave') && r.status() === 200, { timeout: 15_000 });
      await form.getByLabel('Hvorfor er det viktig for deg å jobbe med dette nå?').fill('Jeg vil ha hverdagen min tilbake.');
      await saved;
      await expect(page.locator('.autosave')).toContainText('Utkast lagret kl.');
      await page.reload();
      await expect(form.getByLabel('Hvorfor er det viktig for deg å jobbe med dette nå?')).toHaveValue('Jeg vil ha hverdagen min tilbake.');
    } else {
      await form.getByLabel('Hvorfor er det viktig for deg å jobbe med dette nå?').fill('Jeg vil ha hverdagen min tilbake.');
      await form.getByRole('button', { name: 'Lagre utkast' }).last().click();
      await expect(page.getByRole('status').first()).toHaveText('Utkastet er lagret.');
    }

    // Out of range: refused, said at the field, and nothing typed is lost.
    await form.getByRole('button', { name: 'Send til behandleren' }).click();
    const summary = page.locator('.error-summary');
    await expect(summary).toContainText('Skriv et tall fra 0 til 10.');
    if (js) await expect(summary).toBeFocused();
    await expect(form.getByLabel('Hvorfor er det viktig for deg å jobbe med dette nå?')).toHaveValue('Jeg vil ha hverdagen min tilbake.');
    await expectNoA11yViolations(page);
    await summary.getByRole('link', { name: 'Skriv et tall fra 0 til 10.' }).click();
    await form.getByLabel('Hvor viktig er målet for deg? (0–10)').first().fill('9');
    await form.getByRole('button', { name: 'Send til behandleren' }).click();
    await expect(page.getByRole('status').first()).toHaveText('Hjemmeoppgaven er sendt.');
    await expect(page.locator('#homework')).toContainText('Levert. Behandleren din gir tilbakemelding');
    await expect(page.locator('#homework-form')).toHaveCount(0);
    await expectNoA11yViolations(page);

    const feedback = `Takk, ${starter.user.name.split(' ')[0]}. Målet ditt er konkret og godt å jobbe videre med.`;
    await therapistAnswers(browser, starter, feedback);

    await page.reload();
    await expect(page.locator('.feedback')).toContainText(feedback);
    await expect(page.locator('.feedback h3')).toContainText('Tilbakemelding fra Maria Johansen');
    await page.getByRole('link', { name: starter.programme.nb }).first().click();
    const modules = page.locator('ol.modules > li');
    await expect(modules.nth(0)).toContainText('Tilbakemelding gitt');
    await expect(modules.nth(1)).toContainText('Åpen');
    await expect(modules.nth(2)).toContainText('Ikke åpnet');
    await expectNoA11yViolations(page);
    await page.getByRole('button', { name: 'Logg ut' }).click();
  }
});

test('a locked module says when it opens, and the therapist sees the patient\'s programme', async ({ page }) => {
  await logIn(page, 'pasient@stegvis.demo', 'Kari Nordmann');
  await page.getByRole('region', { name: 'Mestring av panikk' }).getByRole('link', { name: 'Mestring av panikk' }).click();
  await expect(page.locator('main')).toContainText('Uke 6 av 12');
  const locked = page.locator('ol.modules > li').filter({ hasText: 'Ikke åpnet' }).first();
  await expect(locked).toContainText('Åpner når behandleren din har gitt tilbakemelding');
  await expectNoA11yViolations(page);
  // The draft Kari started is where she left it.
  await page.locator('ol.modules > li').filter({ hasText: 'Påbegynt' }).getByRole('link').click();
  await readToTheEnd(page);
  await expect(page.locator('#homework-form')).toBeVisible();
  await expect(page.locator('.autosave')).toContainText('Utkast lagret kl.');
  await expectNoA11yViolations(page);
});
