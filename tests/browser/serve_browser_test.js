#!/usr/bin/env node
// Real-browser test of the what-if page (issue 16): starts `amorce serve` on a copy of the garage
// scenario (--port 0: a free port), opens the page in Debian's headless Chromium driven by
// puppeteer-core, and asserts
//   - the page loads and draws its charts with no console error and no page error;
//   - not a single request leaves 127.0.0.1 (every other request is aborted and counted);
//   - moving a slider re-runs the study and redraws; the change -> redraw latency is printed;
//   - the displayed P(shortfall) equals `amorce run --format json` for the same inputs and seed
//     (the changes saved with "enregistrer comme variante", then run by the CLI with --variant);
//   - the editor's live validation shows errors at file:line:column;
//   - Ctrl-C (SIGINT) stops the server cleanly (exit status 0);
// and saves a screenshot (what-if.png) in OUTPUT_DIR.
//
// usage: node serve_browser_test.js AMORCE_BINARY SOURCE_DIR OUTPUT_DIR
// Chromium: $CHROMIUM or /usr/bin/chromium. puppeteer-core: report/node_modules (npm ci --prefix report).
'use strict';
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const [amorce, sourceDir, outDir] = process.argv.slice(2);
if (!amorce || !sourceDir || !outDir) {
  console.error('usage: node serve_browser_test.js AMORCE_BINARY SOURCE_DIR OUTPUT_DIR');
  process.exit(2);
}
const puppeteer = require(path.resolve(sourceDir, 'report', 'node_modules', 'puppeteer-core'));
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const PATHS = process.env.AMORCE_SERVE_TEST_PATHS || '';  // "": the server's own choice (pilot runs)

fs.mkdirSync(outDir, { recursive: true });
let failures = 0;
function check(cond, what) {
  console.log((cond ? '  ok   ' : '  FAIL ') + what);
  if (!cond) failures += 1;
  return cond;
}
function frPct(p) {  // as the page writes it: one decimal, comma, narrow no-break space
  return (100 * p).toFixed(1).replace('.', ',') + '\u202f%';
}

// a copy of the scenario and the library it extends: the saved variant stays out of the repository
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'amorce-serve-'));
fs.cpSync(path.join(sourceDir, 'scenarios', 'lib'), path.join(work, 'lib'), { recursive: true });
const scenario = path.join(work, 'garage.yaml');
fs.copyFileSync(path.join(sourceDir, 'scenarios', 'garage_solidaire_aci.yaml'), scenario);

function startServer() {
  const args = ['serve', scenario, '--port', '0'];
  if (PATHS) args.push('--paths', PATHS);
  const child = spawn(amorce, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  child.stderr.on('data', (d) => { err += d; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no URL printed within 60 s: ' + out + err)), 60000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m && /paths per run/.test(out)) {
        clearTimeout(timer);
        resolve({ child, url: m[0], port: m[1], banner: () => out, stderr: () => err });
      }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error('amorce serve exited with ' + code + ': ' + err)); });
  });
}

async function waitReady(page, runsBefore) {
  await page.waitForFunction((n) => {
    const r = document.documentElement;
    return r.getAttribute('data-state') === 'ready' && Number(r.getAttribute('data-runs') || 0) > n;
  }, { timeout: 60000 }, runsBefore);
}

(async () => {
  const server = await startServer();
  console.log('server: ' + server.banner().trim().replace(/\n/g, ' | '));
  const browser = await puppeteer.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-extensions'],
  });
  let exitCode = 1;
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 1000 });
    const consoleErrors = [], outside = [];
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    await page.setRequestInterception(true);
    page.on('request', (req) => {
      const u = new URL(req.url());
      if (u.hostname === '127.0.0.1' && u.port === server.port) return req.continue();
      outside.push(req.url());
      return req.abort();
    });

    await page.goto(server.url, { waitUntil: 'load' });
    await waitReady(page, 0);
    await page.waitForFunction(() => document.documentElement.getAttribute('data-tornado'), { timeout: 60000 });
    check(await page.$eval('#chart-fan svg', (s) => s.getBoundingClientRect().width > 100), 'the cash fan chart is drawn');
    check(await page.$eval('#chart-tornado svg', (s) => s.querySelectorAll('path, rect').length > 5), 'the tornado is drawn');
    const paths = await page.evaluate(() => document.getElementById('status').textContent);
    check(/chemins par calcul/.test(paths), 'the page says how many paths each run uses: ' + paths);

    // move a slider: the mode of the monthly referrals, 16 -> 12 (with the mouse-free way a test can)
    const id = 'input:referrals_per_month:mode';
    const runs = Number(await page.evaluate(() => document.documentElement.getAttribute('data-runs')));
    const before = await page.$eval('#shortfall', (e) => e.textContent);
    const t0 = Date.now();
    await page.$eval(`input[type=range][data-id="${id}"]`, (el) => {
      el.value = '12';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await waitReady(page, runs);
    const wall = Date.now() - t0;
    const latency = Number(await page.evaluate(() => document.documentElement.getAttribute('data-latency-ms')));
    const response = Number(await page.evaluate(() => document.documentElement.getAttribute('data-response-ms')));
    const serverMs = Number(await page.evaluate(() => document.documentElement.getAttribute('data-server-ms')));
    const shown = await page.$eval('#shortfall', (e) => ({ text: e.textContent, value: Number(e.dataset.value) }));
    const beforeShown = await page.$eval('#shortfall-before', (e) => e.textContent);
    console.log(`latency: change -> redrawn charts ${latency.toFixed(1)} ms in the page (${wall} ms seen by the test): ` +
                `response ${response.toFixed(1)} ms (server ${serverMs} ms), redraw ${(latency - response).toFixed(1)} ms; ` +
                `load average ${os.loadavg()[0].toFixed(2)} on ${os.cpus().length} cores`);
    check(shown.text !== before || beforeShown.includes(before), 'the answer was redrawn with the previous one kept ("avant")');
    check(beforeShown.includes('avant'), 'the previous state is shown: ' + beforeShown);

    // the same changes, saved as a variant and run by the CLI: the same P(shortfall)
    await page.type('#variant-name', 'referrals_12');
    await page.click('#save');
    await page.waitForFunction(() => document.documentElement.getAttribute('data-saved'), { timeout: 60000 });
    const saved = await page.evaluate(() => document.documentElement.getAttribute('data-saved'));
    check(saved === 'referrals_12', 'the variant is saved beside the scenario: ' + saved);
    check(fs.existsSync(path.join(work, 'garage.variants.yaml')), 'garage.variants.yaml written');
    const usedPaths = await page.evaluate(() => document.getElementById('status').textContent.match(/^([\d\u202f]+) chemins/)[1].replace(/\u202f/g, ''));
    const cli = JSON.parse(execFileSync(amorce, ['run', scenario, '--variant', 'referrals_12', '--paths', usedPaths, '--format', 'json'],
                                        { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] }));
    const p = cli.probabilities.shortfall.p;
    check(shown.value === p, `P(shortfall) in the page ${shown.value} equals the CLI's ${p} (${usedPaths} paths, same seed)`);
    check(shown.text === frPct(p), `displayed "${shown.text}" is the CLI's value written the French way "${frPct(p)}"`);

    // live validation of the scenario text
    await page.$eval('#editor', (el) => {
      el.value = el.value.replace('horizon: 60', 'horizon: soixante');
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await page.waitForFunction(() => document.documentElement.getAttribute('data-validation') === 'errors', { timeout: 30000 });
    const err = await page.$eval('#validation-errors li', (e) => e.textContent);
    check(/garage\.yaml:\d+:\d+: /.test(err), 'an error of the edited text is shown at file:line:column: ' + err);
    await page.$eval('#editor', (el) => {
      el.value = el.value.replace('horizon: soixante', 'horizon: 60');
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await page.waitForFunction(() => document.documentElement.getAttribute('data-validation') === 'ok', { timeout: 30000 });

    await page.evaluate(() => { window.scrollTo(0, 0); document.getElementById('panel').scrollTop = 0; });
    await page.waitForFunction((n) => Number(document.documentElement.getAttribute('data-tornado')) >= n, { timeout: 60000 },
                               Number(await page.evaluate(() => document.documentElement.getAttribute('data-runs'))));
    const shot = path.join(outDir, 'what-if.png');
    await page.screenshot({ path: shot, fullPage: false });
    console.log('screenshot: ' + shot);
    check(consoleErrors.length === 0, 'no console error' + (consoleErrors.length ? ': ' + consoleErrors.join(' | ') : ''));
    check(outside.length === 0, 'no request outside 127.0.0.1' + (outside.length ? ': ' + outside.join(' ') : ''));
  } finally {
    await browser.close();
    const code = await new Promise((resolve) => {
      const timer = setTimeout(() => { server.child.kill('SIGKILL'); resolve('killed'); }, 10000);
      server.child.on('exit', (c, sig) => { clearTimeout(timer); resolve(c === null ? sig : c); });
      server.child.kill('SIGINT');
    });
    check(code === 0, 'Ctrl-C stops the server cleanly (exit status ' + code + ')');
    fs.rmSync(work, { recursive: true, force: true });
    exitCode = failures ? 1 : 0;
  }
  if (failures) console.error(failures + ' check(s) failed');
  process.exit(exitCode);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
