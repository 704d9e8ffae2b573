import { expect, test, type Page } from '@playwright/test';
import { logIn, logOut, visit } from '../support/app';
import { orgAdmin, patient, teamLead, therapist } from '../support/users';

// WCAG 1.4.10 Reflow: at 360 CSS pixels wide (a small phone) nothing scrolls sideways.
test.use({ viewport: { width: 360, height: 740 } });

async function expectNoHorizontalScroll(page: Page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `page ${page.url()} is ${width}px wide at a 360px viewport`).toBeLessThanOrEqual(360);
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
