// The benchmark's arithmetic and its printout: min/median/percentiles, each figure as a ratio to kubectl in the
// same run, and issue #13's targets, met or missed. Pure: the figures come in, lines go out.

/** The targets issue #13 sets, in the order they are printed. */
export const TARGETS = [
  { id: 'warm-10k', text: 'warm /failures at 10k pods ≤ 0.02× kubectl' },
  { id: 'warm-50k', text: 'warm /failures at 50k pods ≤ 0.02× kubectl' },
  { id: 'cold', text: 'cold (first) /failures ≤ 0.3× kubectl, at 10k and 50k' },
  { id: 'clients-p99', text: '10 concurrent clients at 10k pods: p99 ≤ 0.05× kubectl' },
  { id: 'requests', text: 'steady-state API requests per minute independent of the clients, no lists' },
  { id: 'change-demo', text: 'change to page on the demo: p95 ≤ 1 s' },
  { id: 'change-10k', text: 'change to page at 10k pods: p95 ≤ 1 s' },
  { id: 'rss', text: 'RSS at 10k pods ≤ 300 MB after warm-up and after 20 clients leave' },
  { id: 'memory-drop', text: 'memory back within 10% of its rest without a cache once an idle cache is dropped' },
  { id: 'browser-rows', text: '2,000 failing rows: navigation to rendered rows ≤ 1.5 s (median)' },
  { id: 'browser-dom', text: '2,000 failing rows: ≤ 6,000 DOM nodes' },
  { id: 'browser-update', text: '2,000 failing rows: no long task over 100 ms while a pushed change is applied' },
];

export function min(values) {
  return Math.min(...values);
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The nearest-rank percentile: the smallest value at least `p`% of the values do not exceed. */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Each target's verdict: `met` true or false, or null when this run did not measure it, with the figure it rests on.
 * A target set at 10k pods is judged at the run's service size (10k unless the run chose other sizes, which it says).
 */
export function judgeTargets(results) {
  const at = (pods) => results.sizes.find((size) => size.pods === pods);
  const ratio = (size, key) => median(size[key]) / median(size.kubectl);
  const service = results.service;
  const warmAt = (pods) => {
    const size = at(pods);
    return size ? verdict(ratio(size, 'warm') <= 0.02, `${fixed(ratio(size, 'warm'))}×`) : null;
  };
  const coldSizes = results.sizes.filter((size) => size.pods >= 10_000);
  const judged = coldSizes.length > 0 ? coldSizes : results.sizes.slice(-1);
  const verdicts = {
    'warm-10k': service ? warmAt(service.pods) : null,
    'warm-50k': warmAt(50_000),
    cold:
      judged.length === 0
        ? null
        : verdict(
            judged.every((size) => ratio(size, 'cold') <= 0.3),
            judged.map((size) => `${fixed(ratio(size, 'cold'))}× at ${size.pods}`).join(', '),
          ),
    'clients-p99': null,
    requests: null,
    'change-demo': results.demo ? verdict(percentile(results.demo.change, 95) <= 1000, `${ms(percentile(results.demo.change, 95))} ms`) : null,
    'change-10k': null,
    rss: null,
    'memory-drop': null,
  };
  if (service) {
    const p99 = percentile(service.clients, 99) / service.kubectlMedian;
    verdicts['clients-p99'] = verdict(p99 <= 0.05, `${fixed(p99)}× at ${service.pods}`);
    const [one, many] = service.rates;
    verdicts.requests = verdict(
      many.perMinute <= one.perMinute * 1.1 + 1 && one.listsPerMinute === 0 && many.listsPerMinute === 0,
      `${round(one.perMinute)}/min with ${one.clients}, ${round(many.perMinute)}/min with ${many.clients}`,
    );
    verdicts['change-10k'] = verdict(percentile(service.change, 95) <= 1000, `${ms(percentile(service.change, 95))} ms at ${service.pods}`);
    const { rss } = service;
    verdicts.rss = verdict(Math.max(rss.warm, rss.after20) <= 300, `${round(rss.warm)} MB, ${round(rss.after20)} MB at ${service.pods}`);
    verdicts['memory-drop'] =
      rss.afterDrop === null
        ? verdict(false, 'the cache was not dropped')
        : verdict(rss.afterDrop <= rss.beforeIdle * 1.1, `${round(rss.afterDrop)} MB after, ${round(rss.beforeIdle)} MB before (${fixed(rss.afterDrop / rss.beforeIdle, 2)}×)`);
  }
  Object.assign(verdicts, browserVerdicts(results.browser));
  return TARGETS.map((target) => ({ ...target, ...(verdicts[target.id] ?? { met: null, figure: 'not measured in this run' }) }));
}

/** The page's targets, judged at the rows the run chose (2,000 unless it says otherwise). */
function browserVerdicts(browser) {
  if (!browser) return {};
  const at = `at ${browser.rows} rows`;
  const navigation = median(browser.navigation);
  const longest = Math.max(...browser.updateTasks);
  return {
    'browser-rows': verdict(navigation <= 1500, `${ms(navigation)} ms ${at}`),
    'browser-dom': verdict(browser.domNodes <= 6000, `${browser.domNodes} ${at}`),
    'browser-update': verdict(longest <= 100, `${ms(longest)} ms ${at}`),
  };
}

/** The whole printout, as lines. */
export function formatReport(results) {
  const lines = [
    `pullfix benchmark, ${results.startedAt}`,
    `machine: ${results.machine.cpus} × ${results.machine.cpuModel}, node ${results.machine.node}; load average at the start ${results.machine.loadStart}, at the end ${results.machine.loadEnd}`,
    `cluster: the simulator's scale scenario, 100 pods per namespace, 5% failing; ${results.rounds} rounds per size, alternating kubectl, raw list, pullfix`,
    '',
    'times in ms, min / median; ratios are medians over kubectl get pods -A -o json (baseline A)',
    `${'pods'.padStart(6)}  ${'kubectl -o json'.padEnd(17)}${'raw list'.padEnd(24)}${'pullfix cold'.padEnd(26)}pullfix warm`,
  ];
  for (const size of results.sizes) {
    const kubectl = median(size.kubectl);
    const cell = (values, width) => `${ms(min(values))} / ${ms(median(values))} (${fixed(median(values) / kubectl)}×)`.padEnd(width);
    lines.push(`${String(size.pods).padStart(6)}  ${`${ms(min(size.kubectl))} / ${ms(kubectl)}`.padEnd(17)}${cell(size.raw, 24)}${cell(size.cold, 26)}${cell(size.warm, 0)}`);
  }
  const { service, demo } = results;
  if (service) {
    const ofKubectl = (value) => `${ms(value)} ms (${fixed(value / service.kubectlMedian)}×)`;
    lines.push(
      '',
      `at ${service.pods} pods (kubectl median ${ms(service.kubectlMedian)} ms):`,
      `  10 concurrent clients, ${service.clients.length} answers: p50 ${ofKubectl(percentile(service.clients, 50))}, p99 ${ofKubectl(percentile(service.clients, 99))}`,
      ...service.rates.map(
        (rate) =>
          `  API requests per minute from pullfix, ${rate.clients} client${rate.clients === 1 ? '' : 's'} polling every ${service.pollMs / 1000} s (${rate.answers} answers): ${round(rate.perMinute, 1)} (lists ${round(rate.listsPerMinute, 1)})`,
      ),
      `  change to page (kubectl delete of a failing pod → the failures stream message that removes it), ${service.change.length} changes: p50 ${ms(percentile(service.change, 50))} ms, p95 ${ms(percentile(service.change, 95))} ms`,
      `  app RSS: ${round(service.rss.beforeCache)} MB before the cache, ${round(service.rss.warm)} MB after warm-up, ${round(service.rss.after20)} MB after 20 clients left`,
      `  idle drop (after ${service.idleMs / 1000} s unused): ${round(service.rss.beforeIdle)} MB at rest without a cache, ${round(service.rss.withIdle)} MB with a fresh cache, ${service.rss.afterDrop === null ? 'the cache was not dropped' : `${round(service.rss.afterDrop)} MB ${round(service.rss.dropSeconds, 1)} s after it was dropped`}`,
    );
  }
  if (demo) {
    lines.push('', `demo scenario: change to page, ${demo.change.length} changes: p50 ${ms(percentile(demo.change, 50))} ms, p95 ${ms(percentile(demo.change, 95))} ms`);
  }
  if (results.browser) lines.push('', ...browserLines(results.browser));
  lines.push('', 'targets (issue #13):');
  for (const target of judgeTargets(results)) {
    lines.push(`  ${target.met === null ? '-     ' : target.met ? 'met   ' : 'MISSED'} ${target.text}: ${target.figure}`);
  }
  return lines;
}

function browserLines(browser) {
  const tasks = browser.updateTasks;
  return [
    `browser (Chromium, 1280×800), the overview at ${browser.rows} failing rows, every pod failing:`,
    `  navigation to rendered rows, ${browser.navigation.length} load${browser.navigation.length === 1 ? '' : 's'}: min ${ms(min(browser.navigation))} ms, median ${ms(median(browser.navigation))} ms`,
    `  navigation to every row from the stream: min ${ms(min(browser.allRowsLive))} ms, median ${ms(median(browser.allRowsLive))} ms`,
    `  DOM nodes with every row loaded: ${browser.domNodes}`,
    `  longest task while a pushed change is applied, ${tasks.length} changes: ${ms(Math.max(...tasks))} ms (each: ${tasks.map(ms).join(', ')})`,
  ];
}

function verdict(met, figure) {
  return { met, figure };
}

function ms(value) {
  return value >= 100 ? String(Math.round(value)) : value.toFixed(1);
}

function fixed(value, digits = 4) {
  return value.toFixed(digits);
}

function round(value, digits = 0) {
  return Number(value.toFixed(digits)).toString();
}
