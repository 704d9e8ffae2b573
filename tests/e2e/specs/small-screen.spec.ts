import { expect, test, type Page } from '@playwright/test';
import { logIn, logOut, visit } from '../support/app';
import { orgAdmin, patient, teamLead, therapist } from '../support/users';

// WCAG 1.4.10 Reflow: at 360 CSS pixels wide (a small phone) nothing scrolls sideways.
test.use({ viewport: { width: 360, height: 740 } });

async function expectNoHorizontalScroll(page: Page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  // Name the elements that stick out, so a failure says where to look.
  const wide = await page.evaluate(() =>
    [...document.querySelectorAll('main *')]
      .filter((e) => e.getBoundingClientRect().right > 361)
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}.${e.className}`),
  );
  expect(width, `page ${page.url()} is ${width}px wide at a 360px viewport: ${wide.join(', ')}`).toBeLessThanOrEqual(360);
}

test('the log-in page fits 360 px', async ({ page }) => {
  await visit(page, '/login');
  await expectNoHorizontalScroll(page);
});

for (const [role, user] of [
  ['patient', patient],
  ['therapist', therapist],
  ['team lead', teamLead],
  ['organisation admin', orgAdmin],
] as const) {
  test(`the ${role}'s home page fits 360 px`, async ({ page }) => {
    await logIn(page, user.email, user.name);
    await expectNoHorizontalScroll(page);
    await logOut(page);
  });
}

test("the patient's questionnaires and progress charts fit 360 px", async ({ page }) => {
  await logIn(page, patient.email, patient.name);
  await visit(page, '/questionnaires');
  await expectNoHorizontalScroll(page);
  const first = page.locator('main a[href^="/questionnaires/"]').first();
  if ((await first.count()) > 0) {
    await first.click();
    await expectNoHorizontalScroll(page);
  }
  await visit(page, '/progress');
  await expect(page.locator('figure.chart svg').first()).toBeVisible();
  const chart = await page.locator('figure.chart svg').first().boundingBox();
  expect(chart!.width).toBeLessThanOrEqual(360);
  await expectNoHorizontalScroll(page);
  await logOut(page);
});

test("the therapist's view of a patient's measures fits 360 px", async ({ page }) => {
  await logIn(page, therapist.email, therapist.name);
  await page.getByRole('region', { name: 'Mine pasienter' }).getByRole('link', { name: patient.name }).click();
  await expect(page.getByRole('region', { name: 'Målinger' })).toBeVisible();
  await expectNoHorizontalScroll(page);
  await logOut(page);
});

test("the patient's messages fit 360 px", async ({ page }) => {
  await logIn(page, patient.email, patient.name);
  await visit(page, '/messages');
  await expect(page.locator('.thread li').first()).toBeVisible();
  await expectNoHorizontalScroll(page);
  await logOut(page);
});
