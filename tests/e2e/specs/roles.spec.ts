import { expect, test, type Page } from '@playwright/test';
import { expectNoA11yViolations } from '../support/a11y';
import { heading, logIn, logOut, mainMenu, pathOf, visit } from '../support/app';
import { orgAdmin, patient, teamLead, therapist, type DemoUser } from '../support/users';

/** Every menu entry: its link text, where it goes, and the heading of that page. */
const MENU = {
  home: { text: 'Hjem', path: '/', h1: 'Hjem' },
  patients: { text: 'Pasienter', path: '/patients', h1: 'Pasienter' },
  admin: { text: 'Brukere og invitasjoner', path: '/admin', h1: 'Brukere og invitasjoner' },
  messages: { text: 'Meldinger', path: '/messages', h1: 'Meldinger' },
  progress: { text: 'Min fremgang', path: '/progress', h1: 'Min fremgang' },
  accessLog: { text: 'Hvem har sett journalen min', path: '/access-log', h1: 'Hvem har sett journalen min' },
  settings: { text: 'Innstillinger', path: '/settings', h1: 'Innstillinger' },
  intake: { text: 'Inntak', path: '/intake', h1: 'Inntak' },
  reports: { text: 'Rapport', path: '/reports', h1: 'Rapport for tjenesten' },
  myData: { text: 'Mine data', path: '/my-data', h1: 'Mine data' },
};
type MenuEntry = (typeof MENU)[keyof typeof MENU];

interface Role {
  role: string;
  user: DemoUser;
  /** The menu, in order. */
  menu: MenuEntry[];
  /** What else this role's home page shows. */
  home: (page: Page) => Promise<void>;
  /** Checks on a page of this role's menu, after its heading and accessibility are checked. */
  onPage?: (page: Page, entry: MenuEntry) => Promise<void>;
}

const ROLES: Role[] = [
  {
    role: 'patient',
    user: patient,
    menu: [MENU.home, MENU.messages, MENU.progress, MENU.accessLog, MENU.myData, MENU.settings],
    home: async (page) => {
      const guide = page.getByRole('region', { name: 'Behandleren din' });
      await expect(guide).toContainText('Maria Johansen');
      await expect(page.locator('#organisation_id')).toHaveCount(0);
    },
    onPage: async (page, entry) => {
      if (entry === MENU.accessLog) {
        await expect(page.locator('main')).toContainText('pasientjournalloven § 18');
      }
      if (entry === MENU.messages) {
        await expect(page.locator('main')).toContainText('Maria Johansen svarer vanligvis på disse dagene');
      }
    },
  },
  {
    role: 'therapist',
    user: therapist,
    menu: [MENU.home, MENU.patients, MENU.settings],
    home: async (page) => {
      // Maria works in two organisations, so the header lets her switch between them.
      const organisation = page.locator('header select#organisation_id');
      await expect(organisation).toBeVisible();
      await expect(organisation.locator('option')).toHaveText([
        'Bergvik kommune – Rask psykisk helsehjelp',
        'Fjordheim DPS – poliklinikk',
      ]);
      await expect(page.getByLabel('Bytt virksomhet')).toBeVisible();
      const caseload = page.getByRole('region', { name: 'Mine pasienter' });
      await expect(caseload.getByRole('link', { name: 'Kari Nordmann' })).toBeVisible();
      await expect(caseload.getByRole('link', { name: 'Jonas Lie' })).toBeVisible();
    },
    onPage: async (page, entry) => {
      if (entry === MENU.patients) {
        await expect(page.getByRole('table').getByRole('link', { name: 'Kari Nordmann' })).toBeVisible();
      }
    },
  },
  {
    role: 'team lead',
    user: teamLead,
    menu: [MENU.home, MENU.patients, MENU.intake, MENU.reports, MENU.settings],
    home: async (page) => {
      await expect(page.getByRole('region', { name: 'Teamet' })).toContainText('uten behandler');
      const caseload = page.getByRole('region', { name: 'Mine pasienter' });
      await expect(caseload.getByRole('link', { name: 'Per Olsen' })).toBeVisible();
    },
    onPage: async (page, entry) => {
      if (entry !== MENU.patients) return;
      // The team lead sees every patient, also those without a therapist, and can assign one.
      await page.getByRole('table').getByRole('link', { name: 'Thomas Vik' }).click();
      await expect(page).toHaveURL(/\/patients\/\d+$/);
      await expect(heading(page)).toHaveText('Pasient');
      await expect(page.locator('dl.facts').first()).toContainText('Thomas Vik');
      const assign = page.getByRole('region', { name: 'Tildel behandler' });
      await expect(assign.getByLabel('Behandler')).toBeVisible();
      await expect(assign.getByLabel('Behandler').locator('option')).toContainText(['Maria Johansen']);
      await expect(assign.getByRole('button', { name: 'Tildel' })).toBeVisible();
      await expectNoA11yViolations(page);
    },
  },
  {
    role: 'organisation admin',
    user: orgAdmin,
    menu: [MENU.home, MENU.patients, MENU.reports, MENU.admin, MENU.settings],
    home: async (page) => {
      await expect(page.getByRole('region', { name: 'Administrasjon' })).toContainText('ansatte');
    },
    onPage: async (page, entry) => {
      if (entry !== MENU.admin) return;
      const invite = page.getByRole('region', { name: 'Inviter en person' });
      await expect(invite.getByLabel('Fullt navn')).toBeVisible();
      await expect(invite.getByLabel('E-post')).toBeVisible();
      await expect(invite.getByRole('group', { name: 'Rolle' })).toBeVisible();
      await expect(invite.getByRole('button', { name: 'Send invitasjon' })).toBeVisible();
      // The demo's invitation that is still waiting to be accepted.
      await expect(page.getByRole('region', { name: 'Invitasjoner' })).toContainText('Sofie Strand');
    },
  },
];

for (const r of ROLES) {
  test(`${r.role}: logs in, sees their home page and menu, opens every page in it, logs out`, async ({ page }) => {
    await logIn(page, r.user.email, r.user.name);
    await r.home(page);

    const links = mainMenu(page).getByRole('link');
    await expect(links).toHaveText(r.menu.map((e) => e.text));
    await expect(page.getByRole('button', { name: 'Logg ut', exact: true })).toBeVisible();

    for (const entry of r.menu) {
      await mainMenu(page).getByRole('link', { name: entry.text, exact: true }).click();
      await expect.poll(() => pathOf(page)).toBe(entry.path);
      await expect(heading(page)).toHaveText(entry.h1);
      await expect(page).toHaveTitle(`${entry.h1} – Stegvis`);
      await expectNoA11yViolations(page);
      await r.onPage?.(page, entry);
    }

    await logOut(page);
    // The session is gone: the home page sends the person to the log-in page.
    await page.goto('/');
    await expect(page).toHaveURL(/\/login$/);
    await expect(heading(page)).toHaveText('Logg inn');
  });
}

test('a patient is not shown that staff pages exist', async ({ page }) => {
  await logIn(page, patient.email, patient.name);
  for (const path of ['/patients', '/admin']) {
    await visit(page, path, 404);
    await expect(heading(page)).toHaveText('Fant ikke siden');
    await expect(page).toHaveTitle('Fant ikke siden – Stegvis');
  }
  await logOut(page);
});

test('a therapist without the administrator role is refused the admin page', async ({ page }) => {
  await logIn(page, therapist.email, therapist.name);
  await visit(page, '/admin', 403);
  await expect(heading(page)).toHaveText('Ingen tilgang');
  await expect(page.locator('main')).toContainText('Du har ikke tilgang til denne siden med rollen din.');
  await logOut(page);
});
