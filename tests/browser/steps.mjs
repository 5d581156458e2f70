// Runs a scenario of steps in Debian's chromium (headless, playwright-core;
// never a downloaded browser): several people, each in a browser context of
// their own (own cookies), acting through the pages as a person would —
// elements are found by their accessible label or role, never by CSS
// structure, so the steps also check that the pages are labelled.
//
// stdin: {"base": "http://127.0.0.1:port", "shots": "/dir", "steps": [...],
//         "viewport": {"width", "height"}?}
// A step is one of:
//   {"as": "name"}                       act as this person from now on
//   {"goto": "/path" | "http..."}        open a page (waits for load)
//   {"fill": {"label": "..."}, "value": "..."}
//   {"check": {"label": "..."}}          tick a checkbox
//   {"select": {"label": "..."}, "value": "..."}   choose an option by label
//   {"upload": {"label": "..."}, "path": "/file"}
//   {"click": {"role": "button"|"link", "name": "..."}}  (waits for the next
//                                        page unless "stay": true)
//   {"expect": ["text", ...]}            the page shows each text (5 s)
//   {"forbid": ["text", ...]}            the page shows none of them
//   {"url": "/path"}                     the page's path (and query) starts so
//   {"save": "var", "label": "..."}      keep an input's value as ${var}
//   {"saveUrl": "var"}                   keep the page's path as ${var}
//   {"download": {"role", "name"}, "path": p} click; save the file it answers to p
//   {"screenshot": "file.png"}           full page, into "shots" ("full": false:
//                                        the screen only, for very long pages)
//   {"axe": "name"}                      run axe-core (WCAG 2.1 A/AA)
//   {"tab": "text", "max": 40}           press Tab until the focused element
//                                        reads "text"; records whether each
//                                        focus was visible
//   {"tabAll": "name"}                   Tab through the whole page (until the
//                                        focus wraps around): each stop must
//                                        show a visible focus; reports them
//                                        under "tabAll"[name]
//   {"key": "Enter" | "Space" ...}       press a key (waits for navigation
//                                        when the key submits)
//   {"type": "text"}                     type into the focused element
//   {"reload": true}
// With "state": "/dir" in the input, each person's cookies are kept in
// /dir/<name>.json between runs (a person who comes back later, say after
// reading a mail, is still logged in).
// Strings may use ${var}. Output: {"ok", "failed": {step, index, error},
// "axe": {name: [violations]}, "vars", "tabs": [...], "consoleErrors"}.

import {chromium} from 'playwright-core';
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {createRequire} from 'node:module';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const input = JSON.parse(readFileSync(0, 'utf8'));
const vars = {};
const sub = v => typeof v === 'string' ? v.replace(/\$\{(\w+)\}/g, (_, k) => vars[k] ?? '') : v;
const out = {ok: true, axe: {}, vars, tabs: [], consoleErrors: []};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
});
const people = {};
let page = null;

const stateOf = name => input.state ? join(input.state, `${name}.json`) : null;

async function person(name) {
  if (!people[name]) {
    const kept = stateOf(name);
    const context = await browser.newContext({
      viewport: input.viewport || {width: 390, height: 844},
      locale: input.locale || 'fr-FR',
      storageState: kept && existsSync(kept) ? kept : undefined,
    });
    const p = await context.newPage();
    p.on('console', m => { if (m.type() === 'error') out.consoleErrors.push(`${name}: ${m.text()}`); });
    p.on('pageerror', e => out.consoleErrors.push(`${name}: ${e}`));
    p.on('dialog', d => d.accept());
    people[name] = p;
  }
  return people[name];
}

// Form controls only (a landmark's aria-label is not a field).
const byLabel = t => page.getByLabel(sub(t.label), {exact: t.exact ?? false})
  .and(page.locator('input, select, textarea')).first();
const url = u => (u = sub(u), u.startsWith('http') ? u : input.base + u);
// An action that loads a page (a link, a form): waits for the new page;
// "stay": true for one that does not.
async function navigating(step, act) {
  if (step.stay) return act();
  await Promise.all([
    page.waitForEvent('framenavigated', {timeout: 15000}),
    act(),
  ]);
  await page.waitForLoadState('load');
}

try {
  page = await person('default');
  for (const [index, step] of input.steps.entries()) {
    try {
      if (step.as) page = await person(step.as);
      else if (step.goto) await page.goto(url(step.goto), {waitUntil: 'load'});
      else if (step.fill) await byLabel(step.fill).fill(sub(step.value));
      else if (step.check) await byLabel(step.check).check();
      else if (step.select) await byLabel(step.select).selectOption({label: sub(step.value)});
      else if (step.upload) await byLabel(step.upload).setInputFiles(sub(step.path));
      else if (step.download) {
        // A button or link whose answer is a file: saved where `path` says.
        const target = page.getByRole(step.download.role || 'button', {name: sub(step.download.name), exact: step.download.exact ?? false}).first();
        const [file] = await Promise.all([page.waitForEvent('download', {timeout: 30000}), target.click()]);
        await file.saveAs(sub(step.path));
        out.downloads = out.downloads || {};
        out.downloads[sub(step.path)] = file.suggestedFilename();
      }
      else if (step.click) {
        const target = page.getByRole(step.click.role || 'button', {name: sub(step.click.name), exact: step.click.exact ?? false}).first();
        await navigating(step, () => target.click());
      } else if (step.expect) {
        for (const text of step.expect) {
          await page.getByText(sub(text), {exact: false}).first().waitFor({timeout: 5000});
        }
      } else if (step.forbid) {
        const body = await page.locator('body').innerText();
        const seen = step.forbid.map(sub).filter(t => body.includes(t));
        if (seen.length) throw new Error(`the page shows ${JSON.stringify(seen)}`);
      } else if (step.url) {
        const here = new URL(page.url());
        const path = here.pathname + here.search;
        if (!path.startsWith(sub(step.url))) throw new Error(`at ${path}, expected ${sub(step.url)}`);
      } else if (step.save) vars[step.save] = await byLabel(step).inputValue();
      else if (step.saveUrl) { const u = new URL(page.url()); vars[step.saveUrl] = u.pathname; }
      else if (step.screenshot) await page.screenshot({path: join(input.shots, step.screenshot), fullPage: step.full !== false});
      else if (step.axe) {
        await page.evaluate(axeSource);
        const r = await page.evaluate(async () => await window.axe.run(document, {
          runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
        }));
        out.axe[step.axe] = r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
          nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
      } else if (step.tab) {
        const want = sub(step.tab);
        let found = false;
        for (let i = 0; i < (step.max || 60) && !found; i++) {
          await page.keyboard.press('Tab');
          const f = await page.evaluate(() => {
            const el = document.activeElement;
            const s = getComputedStyle(el);
            const label = el.labels && el.labels[0] ? el.labels[0].innerText : '';
            return {tag: el.tagName.toLowerCase(),
              text: (el.innerText || el.value || el.getAttribute('aria-label') || label || el.name || '').trim().slice(0, 80),
              label: label.trim().slice(0, 80),
              outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0};
          });
          out.tabs.push(f);
          found = f.text.includes(want) || f.label.includes(want);
        }
        if (!found) throw new Error(`Tab never reached ${JSON.stringify(want)}`);
      } else if (step.tabAll) {
        const stops = [];
        await page.evaluate(() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); });
        for (let i = 0; i < 300; i++) {
          await page.keyboard.press('Tab');
          const f = await page.evaluate(() => {
            const el = document.activeElement;
            if (!el || el === document.body) return null;
            const s = getComputedStyle(el);
            const r = el.getBoundingClientRect();
            return {tag: el.tagName.toLowerCase(), id: el.id || '',
              text: (el.innerText || el.value || el.getAttribute('aria-label') || el.name || '').trim().slice(0, 60),
              outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
              visible: r.width > 0 && r.height > 0};
          });
          if (!f) break;
          const key = `${f.tag}#${f.id}:${f.text}`;
          if (stops.length && stops[0].key === key) break;
          stops.push({...f, key});
        }
        out.tabAll = out.tabAll || {};
        out.tabAll[step.tabAll] = stops;
      } else if (step.key) {
        await navigating(step, () => page.keyboard.press(step.key));
      } else if (step.type) await page.keyboard.type(sub(step.type));
      else if (step.reload) await page.reload({waitUntil: 'load'});
      // Waits for something a script shows (an autocomplete's options).
      else if (step.waitFor) await page.getByRole(step.waitFor.role, {name: sub(step.waitFor.name), exact: step.waitFor.exact ?? false}).first().waitFor({timeout: 10000});
      else throw new Error('unknown step');
    } catch (e) {
      out.ok = false;
      const here = page ? page.url() : '';
      const text = page ? (await page.locator('body').innerText().catch(() => '')).slice(0, 1500) : '';
      out.failed = {index, step, error: String(e).slice(0, 800), at: here, page: text};
      if (page && input.shots) await page.screenshot({path: join(input.shots, `failed-step-${index}.png`), fullPage: true}).catch(() => {});
      break;
    }
  }
} finally {
  if (input.state) {
    for (const [name, p] of Object.entries(people)) {
      await p.context().storageState({path: stateOf(name)}).catch(() => {});
    }
  }
  await browser.close();
}
process.stdout.write(JSON.stringify(out) + '\n');
