// Drives the web demo's /chat/ page in Debian's headless Chromium and prints what it rendered, as JSON.
//
// Usage: node drive.mjs '<plan JSON>'
//   plan: {"url": ".../chat/", "scenario": "turns" | "stop" | "reload", "questions": ["…", …]}
// turns:  asks each question in turn, waiting for each answer to finish; prints the messages after each.
// stop:   asks, waits for some text, clicks Stop; prints the moment of the click and the messages.
// reload: asks, waits for some text, reloads the page (useChat resumes); prints the messages once finished.
import { chromium } from 'playwright-core';

const plan = JSON.parse(process.argv[2]);
const out = { snapshots: [], console: [] };

async function messages(page) {
  return page.$$eval('article.message', els => els.map(e => ({
    role: e.dataset.role,
    id: e.dataset.id,
    parts: [...e.children].map(c => ({ kind: c.className, text: c.textContent, node: c.dataset.node || null })),
  })));
}

/** Waits until the page shows `count` assistant messages, the last one's graph finished and the hook ready. */
async function answered(page, count) {
  await page.waitForFunction(n => {
    const answers = document.querySelectorAll('article.assistant');
    if (answers.length !== n) return false;
    const last = answers[answers.length - 1];
    return last.querySelector('.step[data-node="answer"][data-status="finished"]') !== null
      && document.querySelector('#status')?.dataset.status === 'ready';
  }, count, { timeout: 60_000 });
}

async function someText(page, count) {
  await page.waitForFunction(n => {
    const answers = document.querySelectorAll('article.assistant');
    return answers.length === n && answers[n - 1].querySelector('.text')?.textContent.length > 20;
  }, count, { timeout: 60_000 });
}

async function ask(page, question) {
  await page.fill('#input', question);
  await page.click('#send');
}

const browser = await chromium.launch({
  executablePath: plan.chromium || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-extensions'],
});
try {
  const page = await browser.newPage();
  page.on('console', m => out.console.push(m.type() + ': ' + m.text()));
  page.on('pageerror', e => out.console.push('pageerror: ' + e.message));
  await page.goto(plan.url);
  if (plan.scenario === 'turns') {
    for (let i = 0; i < plan.questions.length; i++) {
      await ask(page, plan.questions[i]);
      await answered(page, i + 1);
      out.snapshots.push(await messages(page));
    }
  } else if (plan.scenario === 'stop') {
    await ask(page, plan.questions[0]);
    await someText(page, 1);
    out.clickedAt = Date.now();
    await page.click('#stop');
    await page.waitForFunction(() => document.querySelector('#status')?.dataset.status === 'ready',
      null, { timeout: 10_000 });
    out.snapshots.push(await messages(page));
  } else if (plan.scenario === 'reload') {
    await ask(page, plan.questions[0]);
    await someText(page, 1);
    out.before = await messages(page);
    await page.reload();
    await answered(page, 1);
    out.snapshots.push(await messages(page));
  } else {
    throw new Error('unknown scenario ' + plan.scenario);
  }
} catch (e) {
  out.failure = String(e && e.stack || e);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out));
