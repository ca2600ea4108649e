#!/usr/bin/env node
// Real-browser test of the funder's report (issue 8): generates a report for every bundled
// scenario, opens it in Debian's headless Chromium from a file:// URL with every network
// request refused, and asserts
//   - no console error and no page error;
//   - every chart container holds a rendered SVG of non-zero size with marks in it;
//   - euros are formatted the French way (12 345 €) in the page and in the chart axes;
//   - the summary figures in the page equal the JSON summary of the same run (amorce run --format json);
//   - not a single request leaves the file (no CDN, no font, no source map);
// and saves a PNG screenshot and a PDF print of each report as test artefacts.
//
// usage: node report_browser_test.js AMORCE_BINARY SOURCE_DIR OUTPUT_DIR [SCENARIO...]
// Chromium: $CHROMIUM or /usr/bin/chromium. playwright-core: report/node_modules (npm ci --prefix report).
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const [amorce, sourceDir, outDir, ...only] = process.argv.slice(2);
if (!amorce || !sourceDir || !outDir) {
  console.error('usage: node report_browser_test.js AMORCE_BINARY SOURCE_DIR OUTPUT_DIR [SCENARIO...]');
  process.exit(2);
}
const { chromium } = require(path.join(sourceDir, 'report', 'node_modules', 'playwright-core'));
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const PATHS = process.env.AMORCE_REPORT_TEST_PATHS || '2000';
const SEED = '7';
const CHARTS = ['chart-fan', 'chart-negative', 'chart-breakeven', 'chart-funding', 'chart-resources', 'chart-driver-1'];
// the first report also carries a tornado (issue 15: its bars say which end is the low and
// which the high value) and the percentiles table at --percentiles
const EXTRA = ['--sensitivity', 'tornado', '--sensitivity-metric', 'min_cash', '--percentiles', '1,5,50,95,99'];

fs.mkdirSync(outDir, { recursive: true });
let failures = 0;
function check(cond, what) {
  if (!cond) {
    failures += 1;
    console.error('  FAIL ' + what);
  }
  return cond;
}
function close(a, b) {
  if (a === null || b === null || a === undefined || b === undefined) return a === b || (a === null && b === undefined);
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
}
const euros = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 });
function frMoney(v) {
  const r = Math.round(v);
  return euros.format(r === 0 ? 0 : r);
}

/// The page figures (data-key / data-value) and the JSON summary of the same run.
function expectedValue(summary, key) {
  const N = summary.run.paths;
  const q = (ind, p) => summary.indicators[ind].quantiles[p];
  const fixed = {
    'shortfall.p': summary.probabilities.shortfall.p,
    'shortfall.se': summary.probabilities.shortfall.se,
    'funding_need.p50': q('funding_need', 'p50'),
    'funding_need.p90': q('funding_need', 'p90'),
    'min_cash.p50': q('min_cash', 'p50'),
    'breakeven.never': summary.indicators.breakeven_month.missing / N,
  };
  if (key in fixed) return fixed[key];
  let m = /^min_cash_month\.modes\.(\d+)\.share$/.exec(key);
  if (m) {
    const mode = summary.indicators.min_cash_month.modes[Number(m[1])];
    return mode ? mode.share : undefined;
  }
  m = /^(subsidy_share|self_financing)\.(.+)$/.exec(key);
  if (m) {
    const y = summary.years.find((yr) => yr.label === m[2]);
    return y ? y.figures[m[1]].quantiles.p50 : undefined;
  }
  m = /^check\.(.+)$/.exec(key);
  if (m) return summary.checks[m[1]] ? summary.checks[m[1]].breach.p : undefined;
  m = /^(funding_need|min_cash|cash_end|npv|breakeven_month)\.(p[\d.]+)$/.exec(key);  // the percentiles table
  if (m) return summary.indicators[m[1]].quantiles[m[2]];
  return undefined;
}

async function testReport(browser, scenario, lang, extra = []) {
  const stem = path.basename(scenario, '.yaml') + (lang === 'en' ? '.en' : '');
  const html = path.join(outDir, stem + '.html');
  console.log(`== ${stem}`);
  const pct = extra.indexOf('--percentiles') >= 0 ? ['--percentiles', extra[extra.indexOf('--percentiles') + 1]] : [];
  execFileSync(amorce, ['report', scenario, '-o', html, '--paths', PATHS, '--seed', SEED, '--lang', lang, ...extra], { stdio: ['ignore', 'ignore', 'inherit'] });
  const summary = JSON.parse(execFileSync(amorce, ['run', scenario, '--paths', PATHS, '--seed', SEED, '--format', 'json', ...pct], { maxBuffer: 1 << 28 }).toString());
  const size = fs.statSync(html).size;
  check(size < 3 * 1024 * 1024, `report under 3 MB (${size} bytes)`);

  const context = await browser.newContext({ viewport: { width: 1000, height: 1200 }, offline: true, locale: lang === 'en' ? 'en-GB' : 'fr-FR' });
  const page = await context.newPage();
  const errors = [];
  const external = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(String(err)));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    external.push(url);
    return route.abort();
  });
  await page.goto('file://' + path.resolve(html), { waitUntil: 'load' });
  await page.waitForFunction(() => document.documentElement.getAttribute('data-charts') !== null, null, { timeout: 60000 });
  const state = await page.evaluate(() => document.documentElement.getAttribute('data-charts'));
  check(state === 'rendered', `charts rendered (state ${state})`);
  check(errors.length === 0, 'no console errors: ' + errors.join(' | '));
  check(external.length === 0, 'no network request: ' + external.join(' '));

  for (const id of extra.includes('--sensitivity') ? [...CHARTS, 'chart-sensitivity'] : CHARTS) {
    const info = await page.evaluate((cid) => {
      const el = document.getElementById(cid);
      if (!el) return null;
      const svg = el.querySelector('svg');
      if (!svg) return { svg: false };
      const r = svg.getBoundingClientRect();
      return { svg: true, w: r.width, h: r.height, marks: svg.querySelectorAll('path, rect, line, text').length,
               text: Array.from(svg.querySelectorAll('text')).map((t) => t.textContent).join(' | ') };
    }, id);
    if (!check(info && info.svg, `${id}: an SVG is drawn`)) continue;
    check(info.w > 100 && info.h > 50, `${id}: non-zero size (${info.w} x ${info.h})`);
    check(info.marks > 10, `${id}: marks drawn (${info.marks})`);
    if (lang === 'fr' && (id === 'chart-fan' || id === 'chart-funding' || id === 'chart-resources'))
      check(/\d\u202f\d{3}\u00a0\u20ac/.test(info.text) || /\d\u00a0\u20ac/.test(info.text), `${id}: French euros on the axis (${info.text.slice(0, 120)})`);
  }

  // summary figures = JSON summary of the same run
  const figures = await page.evaluate(() => Array.from(document.querySelectorAll('[data-key]')).map((e) => ({
    key: e.getAttribute('data-key'), value: e.getAttribute('data-value'), text: e.textContent })));
  let compared = 0;
  for (const f of figures) {
    const expected = expectedValue(summary, f.key);
    if (expected === undefined) continue;
    const value = f.value === 'null' ? null : Number(f.value);
    compared += 1;
    check(close(value, expected), `${f.key}: page ${value} = JSON ${expected}`);
    if (lang === 'fr' && /^(funding_need|min_cash)\.p/.test(f.key) && value !== null)
      check(f.text === frMoney(value), `${f.key}: French format "${f.text}" = "${frMoney(value)}"`);
  }
  check(compared >= 8, `summary figures compared with the JSON (${compared})`);
  const body = await page.evaluate(() => document.body.innerText);
  check(body.includes(summary.scenario.name), 'scenario name in the page');
  // one language: no English in a French report and no French in an English one (issue 15)
  const foreign = lang === 'fr' ? ['paths', 'never', 'Funding need', 'Median'] : ['chemins', 'scénarios', 'jamais', 'Médiane', 'Trésorerie'];
  const prose = body.replace(/\S*_\S*/g, '');  // names of the scenario (cash_never_negative) are not prose
  for (const w of foreign) check(!prose.includes(w), `no "${w}" in the ${lang} page`);
  if (extra.includes('--sensitivity')) {
    const ends = lang === 'fr' ? 'hypothèse à sa valeur basse (P10)' : 'assumption at its low value (P10)';
    const legend = await page.evaluate(() => document.getElementById('chart-sensitivity').textContent);
    check(legend.includes(ends), `tornado legend names the low end (${legend.slice(0, 120)})`);
  }
  if (lang === 'fr') {
    check(/\d\u202f\d{3}\u00a0\u20ac/.test(body), 'French euro format (12 345 €) in the page');
    check(body.includes('Les cinq réponses') && body.includes('Plan de financement'), 'French headings');
  } else {
    check(body.includes('The five answers'), 'English headings');
  }

  await page.screenshot({ path: path.join(outDir, stem + '.png'), fullPage: true });
  // the analyst's charts on their own (docs/report-drivers.png, docs/report-tornado.png come from these)
  for (const id of ['drivers', 'sensitivity']) {
    const el = await page.$('#' + id);
    if (el) await el.screenshot({ path: path.join(outDir, `${stem}.${id}.png`) });
  }
  await page.emulateMedia({ media: 'print' });
  await page.pdf({ path: path.join(outDir, stem + '.pdf'), format: 'A4', printBackground: true });
  check(fs.statSync(path.join(outDir, stem + '.pdf')).size > 10000, 'PDF printed');
  await context.close();
}

/// `report --sensitivity-over-time sobol`: the stacked area "what drives cash, month by month"
/// is drawn (an SVG with marks and the legend naming inputs), with a screenshot of the figure.
async function testSensitivityOverTime(browser, scenario) {
  const html = path.join(outDir, 'sensitivity_over_time.html');
  console.log('== sensitivity over time: ' + path.basename(scenario));
  execFileSync(amorce, ['report', scenario, '-o', html, '--paths', '500', '--seed', SEED, '--sensitivity-over-time', 'sobol'],
               { stdio: ['ignore', 'ignore', 'inherit'] });
  const context = await browser.newContext({ viewport: { width: 1000, height: 1200 }, offline: true, locale: 'fr-FR' });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(String(err)));
  await page.goto('file://' + path.resolve(html), { waitUntil: 'load' });
  await page.waitForFunction(() => document.documentElement.getAttribute('data-charts') !== null, null, { timeout: 60000 });
  check(await page.evaluate(() => document.documentElement.getAttribute('data-charts')) === 'rendered', 'over time: charts rendered');
  check(errors.length === 0, 'over time: no console errors: ' + errors.join(' | '));
  const info = await page.evaluate(() => {
    const el = document.getElementById('chart-sensitivity-time');
    const svg = el && el.querySelector('svg');
    if (!svg) return null;
    const r = svg.getBoundingClientRect();
    return { w: r.width, h: r.height, areas: svg.querySelectorAll('path').length,
             text: Array.from(svg.querySelectorAll('text')).map((t) => t.textContent).join(' | ') };
  });
  if (check(info !== null, 'chart-sensitivity-time: an SVG is drawn')) {
    check(info.w > 100 && info.h > 50, `chart-sensitivity-time: non-zero size (${info.w} x ${info.h})`);
    check(info.areas > 5, `chart-sensitivity-time: stacked areas drawn (${info.areas})`);
    check(/interactions entre hypothèses/.test(info.text), 'chart-sensitivity-time: legend in French with the interactions band');
    check(/\d+\s?%/.test(info.text), 'chart-sensitivity-time: shares as percentages on the axis');
  }
  const body = await page.evaluate(() => document.body.innerText);
  check(body.includes('Ce qui explique la trésorerie, mois par mois'), 'over time: French title');
  const fig = await page.$('#sensitivity-over-time');
  if (check(fig !== null, 'over time: section present')) await fig.screenshot({ path: path.join(outDir, 'sensitivity_over_time.png') });
  await context.close();
}

(async () => {
  const dir = path.join(sourceDir, 'scenarios');
  let scenarios = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => path.join(dir, f));
  if (only.length) scenarios = scenarios.filter((s) => only.some((o) => s.includes(o)));
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],  // playwright starts it on a fresh temporary profile
  });
  try {
    for (const [i, s] of scenarios.entries()) await testReport(browser, s, 'fr', i === 0 ? EXTRA : []);
    if (scenarios.length) await testReport(browser, scenarios[0], 'en');
    await testSensitivityOverTime(browser, path.join(dir, 'tiers_lieu_rural.yaml'));
  } catch (e) {
    failures += 1;
    console.error('  FAIL ' + (e && e.stack ? e.stack : e));
  } finally {
    await browser.close();
  }
  console.log(failures ? `${failures} failure(s)` : `all reports passed (artefacts in ${outDir})`);
  process.exit(failures ? 1 : 0);
})();
