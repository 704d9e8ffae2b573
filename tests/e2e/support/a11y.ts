import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

type AxeResults = Awaited<ReturnType<AxeBuilder['analyze']>>;
type Violation = AxeResults['violations'][number];

/** The WCAG 2.1 A and AA rules (Norway's universal design regulation requires WCAG 2.1 AA). */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Runs axe-core on the page as the person sees it now and fails the test (softly: the rest of
 * the test still runs, so one run reports every problem) on any WCAG 2.1 A/AA violation. The
 * failure message lists each rule id, its help text and the offending elements.
 *
 * Call it on every page a test lands on.
 */
export async function expectNoA11yViolations(page: Page): Promise<void> {
  const info = test.info();
  const noJs = info.project.use.javaScriptEnabled === false;
  const url = page.url();
  const results = noJs ? await analyzeWithoutJavaScript(page) : await analyzeLive(page);
  const violations = results.violations;
  const where = `${new URL(url).pathname}${new URL(url).search}`;
  if (violations.length > 0) {
    await info.attach(`axe violations ${where}`, {
      body: JSON.stringify(violations, null, 2),
      contentType: 'application/json',
    });
  }
  expect
    .soft(violations.length, describe(violations, url, noJs))
    .toBe(0);
}

async function analyzeLive(page: Page): Promise<AxeResults> {
  // Give the islands a moment to hydrate (the wasm loads when the browser is idle) before
  // judging the page. This is only a settling pause, bounded so that a page whose network never
  // goes quiet is still checked; whether the scripts load is tested in scripts.spec.ts.
  await page.waitForLoadState('networkidle', { timeout: 3_000 }).catch(() => undefined);
  return new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
}

/**
 * axe-core cannot run in a page whose JavaScript is disabled: Playwright can still evaluate
 * expressions there, but axe's asynchronous run never finishes (it hangs in Chromium with
 * `javaScriptEnabled: false`). Loading the URL again in a JavaScript-enabled context would not
 * check the same thing either: a second GET has lost the one-time notices and error summaries
 * (they are flash messages, consumed by the first GET), and with JavaScript the islands would
 * hydrate.
 *
 * So the page is *replayed*: the exact HTML the no-JS browser holds (`page.content()`) is
 * served, at the same URL, to a fresh JavaScript-enabled context with the same viewport,
 * locale and cookies. The replayed document gets the header `Content-Security-Policy:
 * script-src 'none'`, and every request but the document, stylesheets, images and fonts is
 * aborted, so none of the page's own scripts or wasm runs: it is laid out and styled exactly
 * as without JavaScript. axe is injected by Playwright through the DevTools protocol, which
 * the page's CSP does not block, and runs there. (The app has no <noscript> content, the one
 * thing this replay would render differently.)
 */
async function analyzeWithoutJavaScript(page: Page): Promise<AxeResults> {
  const html = await page.content();
  // The fragment (#homework) is not part of the request the replay must answer.
  const url = page.url().split('#')[0];
  const context = page.context();
  const browser = context.browser();
  if (!browser) throw new Error('expectNoA11yViolations: the page has no browser to open a replay context in');
  const replayContext = await browser.newContext({
    javaScriptEnabled: true,
    viewport: page.viewportSize(),
    locale: test.info().project.use.locale,
    storageState: await context.storageState(),
  });
  try {
    const replay = await replayContext.newPage();
    let served = false;
    await replay.route('**/*', async (route) => {
      const request = route.request();
      if (!served && request.isNavigationRequest() && request.url() === url) {
        served = true;
        return route.fulfill({
          status: 200,
          headers: {
            'content-type': 'text/html; charset=utf-8',
            'content-security-policy': "script-src 'none'",
          },
          body: html,
        });
      }
      if (['stylesheet', 'image', 'font'].includes(request.resourceType())) return route.continue();
      return route.abort();
    });
    await replay.goto(url, { waitUntil: 'load' });
    return await new AxeBuilder({ page: replay }).withTags(WCAG_TAGS).analyze();
  } finally {
    await replayContext.close();
  }
}

function describe(violations: Violation[], url: string, noJs: boolean): string {
  const how = noJs ? ' (JavaScript disabled; checked on a replay of the same HTML)' : '';
  const lines = [`${violations.length} accessibility violation(s) on ${url}${how}:`];
  for (const v of violations) {
    lines.push(`- ${v.id} [${v.impact ?? 'unknown impact'}]: ${v.help} (${v.helpUrl})`);
    for (const node of v.nodes) {
      const summary = (node.failureSummary ?? '').replace(/\s+/g, ' ').trim();
      const html = node.html.length > 200 ? `${node.html.slice(0, 200)}…` : node.html;
      lines.push(`    at ${node.target.join(' ')}  ${html}`);
      if (summary) lines.push(`       ${summary}`);
    }
  }
  return lines.join('\n');
}
