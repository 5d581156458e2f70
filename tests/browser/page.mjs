// Opens one of Atout's pages in Debian's chromium (headless, through
// playwright-core: never a downloaded browser), checks its text, runs
// axe-core in the page, and takes a full-page screenshot.
//
// stdin: {"url": "...", "expect": ["text", ...], "forbid": ["text", ...],
//         "screenshot": "/path/file.png"?, "viewport": {"width", "height"}?,
//         "tab": n?, "cookies": [{"name", "value"}]?}
// stdout: {"status": 200, "title": "...", "lang": "fr", "missing": [...],
//          "forbidden": [...], "violations": [{"id", "impact", "help", "nodes"}],
//          "focus": [{"tag", "text", "outline"}], "scan": <data-scan of <html>>,
//          "consoleErrors": [...] (CSP violations among them)}
// "tab": presses Tab that many times and reports each focused element and
// whether it shows a visible focus outline.

import {chromium} from 'playwright-core';
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const input = JSON.parse(readFileSync(0, 'utf8'));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
});
try {
  const context = await browser.newContext({
    viewport: input.viewport || {width: 390, height: 844},
    javaScriptEnabled: true,
  });
  // Cookies of a logged-in visitor (a session opened by the test).
  if (input.cookies && input.cookies.length) {
    await context.addCookies(input.cookies.map(c => ({name: c.name, value: c.value, url: input.url})));
  }
  const page = await context.newPage();
  // Console errors include Content-Security-Policy violations.
  const consoleErrors = [];
  page.on('console', m => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', e => consoleErrors.push(String(e)));
  const response = await page.goto(input.url, {waitUntil: 'load'});
  const text = await page.locator('body').innerText();
  const out = {
    status: response.status(),
    title: await page.title(),
    lang: await page.getAttribute('html', 'lang'),
    missing: (input.expect || []).filter(t => !text.includes(t)),
    forbidden: (input.forbid || []).filter(t => text.includes(t)),
    scan: await page.getAttribute('html', 'data-scan'),
  };
  // The page's CSP forbids inline scripts: axe runs through the
  // automation channel (addScriptTag would be refused).
  await page.evaluate(axeSource);
  const results = await page.evaluate(async () => await window.axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
  }));
  out.violations = results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
  }));
  out.focus = [];
  for (let i = 0; i < (input.tab || 0); i++) {
    await page.keyboard.press('Tab');
    out.focus.push(await page.evaluate(() => {
      const el = document.activeElement;
      const style = getComputedStyle(el);
      return {
        tag: el.tagName.toLowerCase(),
        text: (el.innerText || el.getAttribute('aria-label') || el.name || '').trim().slice(0, 60),
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
      };
    }));
  }
  out.consoleErrors = consoleErrors;
  if (input.screenshot) {
    await page.screenshot({path: input.screenshot, fullPage: true});
    out.screenshot = input.screenshot;
  }
  process.stdout.write(JSON.stringify(out) + '\n');
} finally {
  await browser.close();
}
