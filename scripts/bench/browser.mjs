// The browser's side of issue #13: the overview at thousands of failing rows in Chromium, driven by Playwright.
// How long from navigation to the first rendered row, how many DOM nodes the page holds, and the longest task
// while a change pushed by the server is applied. Everything binds to 127.0.0.1.
import path from 'node:path';
import { chromium } from '@playwright/test';
import { failures } from './probes.mjs';
import { kubectl, sleep, startApp, startSimulator } from './processes.mjs';

const CHROMIUM = process.env.PULLFIX_CHROMIUM ?? '/usr/bin/chromium';
const VIEWPORT = { width: 1280, height: 800 };
/** The app keeps its cache through the whole probe: every load is timed against the same warm server. */
const KEEP_CACHE_MS = 3_600_000;
const FIRST_ROW = 'tbody[data-workload] tr';
/** The failing pod a pushed update adds and takes away again, in a namespace of its own. */
const EXTRA_NAMESPACE = 'bench-extra';
const EXTRA_POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'extra', namespace: EXTRA_NAMESPACE },
  spec: { containers: [{ name: 'app', image: 'docker.io/acme/private:1.0' }] },
};

/**
 * The scale scenario with every pod failing (`rows` rows, 100 per namespace) and a freshly started app whose
 * answer is warmed first: the figures are the page's, not the first cluster read's. Then `loads` navigations, each
 * in a fresh browser context (nothing cached), and `updates` times a failing pod added and removed by kubectl.
 */
export async function measureBrowser(root, { rows, loads, updates, directory }, own, release) {
  const sim = own(await startSimulator(root, { scenario: 'scale', pods: rows, namespaces: Math.max(1, Math.round(rows / 100)), failingRatio: 1, directory }));
  const app = own(await startApp(root, { kubeconfig: sim.kubeconfig, idleMs: KEEP_CACHE_MS }));
  await warm(app, rows);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    const url = `${app.base}/contexts/${encodeURIComponent(app.context)}`;
    const navigation = [];
    const allRowsLive = [];
    for (let load = 0; load < loads; load += 1) {
      const context = await browser.newContext({ viewport: VIEWPORT });
      const times = await timeNavigation(context, url, rows);
      navigation.push(times.firstRow);
      allRowsLive.push(times.allRows);
      await context.close();
    }
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await openWithLongTasks(context, url, rows);
    const domNodes = await page.evaluate(() => document.getElementsByTagName('*').length);
    const updateTasks = [];
    const cluster = kubectlFor(sim.kubeconfig, path.join(directory, 'kubectl-cache'));
    await cluster(['apply', '--validate=false', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: EXTRA_NAMESPACE } }));
    for (let update = 0; update < updates; update += 1) {
      updateTasks.push(await longestTaskDuring(page, rows + 1, () => cluster(['apply', '--validate=false', '-f', '-'], JSON.stringify(EXTRA_POD))));
      updateTasks.push(await longestTaskDuring(page, rows, () => cluster(['delete', 'pod', EXTRA_POD.metadata.name, '-n', EXTRA_NAMESPACE, '--wait=false', '--ignore-not-found'])));
    }
    await context.close();
    return { rows, navigation, allRowsLive, domNodes, updateTasks };
  } finally {
    await browser.close();
    await release(app);
    await release(sim);
  }
}

/**
 * Until the app answers with every failing row: its cache is filled before the page is timed. A freshly started
 * simulator on a busy machine may time the first lists out; the cache tries again, and so does this.
 */
async function warm(app, rows) {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const answered = await failures(app).then(
      ({ items }) => `${items.length} failing rows`,
      (error) => error.message,
    );
    if (answered === `${rows} failing rows`) return;
    if (Date.now() > deadline) throw new Error(`the app answered ${answered}, not ${rows} failing rows, after five minutes`);
    await sleep(1_000);
  }
}

/**
 * Milliseconds from the start of the navigation (the page's time origin) to its first rendered row (the server's
 * first screen, when it had one), and to every row counted from the stream's answer.
 */
async function timeNavigation(context, url, rows) {
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'commit' });
  const rendered = await page.waitForFunction((selector) => document.querySelector(selector) && performance.now(), FIRST_ROW, { timeout: 120_000 });
  const firstRow = await rendered.jsonValue();
  await allRows(page, rows);
  return { firstRow, allRows: await page.evaluate(() => performance.now()) };
}

/** The page, opened with an observer that records its long tasks (over 50 ms) from its first script on. */
async function openWithLongTasks(context, url, rows) {
  await context.addInitScript(() => {
    const tasks = [];
    window.benchLongTasks = tasks;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) tasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'commit' });
  await allRows(page, rows);
  return page;
}

/**
 * The longest task (ms, 0 when none was over 50 ms) from just before `change` until the page counts `expected`
 * rows and has drawn two more frames: the pushed message, its deferred render and what the browser paints.
 */
async function longestTaskDuring(page, expected, change) {
  const since = await page.evaluate(() => performance.now());
  await change();
  await allRows(page, expected);
  return page.evaluate(async (from) => {
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    return Math.max(0, ...window.benchLongTasks.filter((task) => task.start >= from).map((task) => Math.round(task.duration)));
  }, since);
}

/** The verdict chips count every row the page holds: "All 2000" once all of them have arrived. */
function allRows(page, rows) {
  return page.getByRole('button', { name: `All ${rows}` }).waitFor({ timeout: 120_000 });
}

/** kubectl for the kubeconfig; a busy machine may time its TLS handshake out, so a failed call is tried twice more. */
function kubectlFor(kubeconfig, cacheDir) {
  return async (args, input) => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await kubectl(kubeconfig, cacheDir, args, input);
      } catch (error) {
        if (attempt === 3) throw error;
        await sleep(2_000);
      }
    }
  };
}

