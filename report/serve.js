/* amorce what-if page (amorce serve): controls fitted to each input's law; every change re-runs
   the Monte Carlo study on the server with the same seed and redraws the five answers and the
   charts, the previous state kept as a faint "avant" trace. Talks only to the page's own origin. */
(function () {
  'use strict';
  var root = document.documentElement;
  var $ = function (id) { return document.getElementById(id); };
  var NNBSP = '\u202f', NBSP = '\u00a0';
  var numberLocale = { decimal: ',', thousands: NNBSP, grouping: [3], currency: ['', NBSP + '\u20ac'], percent: NNBSP + '%', minus: '\u2212' };
  var timeLocale = { dateTime: '%A %e %B %Y \u00e0 %X', date: '%d/%m/%Y', time: '%H:%M:%S', periods: ['AM', 'PM'],
    days: ['dimanche', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'],
    shortDays: ['dim.', 'lun.', 'mar.', 'mer.', 'jeu.', 'ven.', 'sam.'],
    months: ['janvier', 'f\u00e9vrier', 'mars', 'avril', 'mai', 'juin', 'juillet', 'ao\u00fbt', 'septembre', 'octobre', 'novembre', 'd\u00e9cembre'],
    shortMonths: ['janv.', 'f\u00e9vr.', 'mars', 'avr.', 'mai', 'juin', 'juil.', 'ao\u00fbt', 'sept.', 'oct.', 'nov.', 'd\u00e9c.'] };

  // ------------------------------------------------------------------ formatting (French)
  function group(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, NNBSP); }
  function money(v) {
    if (v === null || v === undefined || !isFinite(v)) return '\u2014';
    var x = Math.round(v);
    return (x < 0 ? '\u2212' : '') + group(Math.abs(x)) + NBSP + '\u20ac';
  }
  function pct(p, d) {
    if (p === null || p === undefined || !isFinite(p)) return '\u2014';
    if (d === undefined) d = 1;
    return (100 * p).toFixed(d).replace('.', ',').replace('-', '\u2212') + NNBSP + '%';
  }
  function monthText(label) {  // "2027-03" -> "mars 2027"
    if (!label) return '\u2014';
    var m = /^(\d{4})-(\d{2})/.exec(label);
    return m ? timeLocale.shortMonths[+m[2] - 1] + ' ' + m[1] : label;
  }
  function num(v) {
    if (!isFinite(v)) return '';
    return String(Math.round(v * 1e6) / 1e6);
  }

  // ------------------------------------------------------------------ state
  var state = { info: null, variant: '', changes: {}, text: null, fileText: '', cur: null, prev: null,
                runId: 0, shown: 0, controller: null, views: {}, t0: 0 };

  function api(path, body, signal) {
    var opts = body === undefined ? { method: 'GET' }
      : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), signal: signal };
    return fetch(path, opts).then(function (r) {
      return r.json().then(function (j) { return { status: r.status, body: j }; });
    });
  }

  function setStatus(extra) {
    var c = state.cur;
    var s = (state.info ? group(state.info.paths) : '?') + ' chemins par calcul \u00b7 graine ' + (state.info ? state.info.seed : '?') +
            ' (mêmes tirages à chaque calcul : une différence est l\u2019effet de la modification)';
    if (c) s += ' \u00b7 calcul ' + Math.round(c.server_ms) + ' ms, affichage ' + Math.round(state.latency) + ' ms';
    if (extra) s += ' \u00b7 ' + extra;
    $('status').textContent = s;
  }
  function showError(msg) {
    var e = $('error');
    if (!msg) { e.hidden = true; e.textContent = ''; return; }
    e.hidden = false;
    e.textContent = msg;
  }

  // ------------------------------------------------------------------ controls
  function buildControls(groups) {
    var box = $('controls');
    box.textContent = '';
    groups.forEach(function (g, gi) {
      var det = document.createElement('details');
      det.className = 'group';
      det.open = gi === 0 || g.id === 'grants';
      var sum = document.createElement('summary');
      sum.textContent = g.title;
      det.appendChild(sum);
      g.items.forEach(function (it) {
        var div = document.createElement('div');
        div.className = 'item';
        var name = document.createElement('div');
        name.className = 'name';
        name.textContent = it.label || it.name;
        if (it.unit) {
          var u = document.createElement('span');
          u.className = 'unit';
          u.textContent = ' (' + it.unit + ')';
          name.appendChild(u);
        }
        name.title = it.name;
        div.appendChild(name);
        var det2 = document.createElement('div');
        det2.className = 'detail';
        det2.textContent = it.name + (it.detail ? ' \u2014 ' + it.detail : '');
        div.appendChild(det2);
        it.controls.forEach(function (c) { div.appendChild(controlRow(c)); });
        det.appendChild(div);
      });
      box.appendChild(det);
    });
  }

  var kindLabel = { offset: 'mois après', month: 'mois n\u00b0', delay: 'retard en plus (mois)' };
  function controlRow(c) {
    var row = document.createElement('div');
    row.className = 'ctl';
    row.dataset.id = c.id;
    var id = 'c-' + c.id.replace(/[^A-Za-z0-9_]/g, '-');
    var lab = document.createElement('label');
    lab.htmlFor = id;
    lab.textContent = c.param;
    if (c.kind === 'offset' || c.kind === 'month' || c.kind === 'delay') lab.title = kindLabel[c.kind];
    var range = document.createElement('input');
    range.type = 'range';
    range.id = id;
    range.min = c.min; range.max = c.max; range.step = c.step;
    range.value = c.value;
    range.dataset.id = c.id;
    var box = document.createElement('input');
    box.type = 'number';
    box.step = c.step;
    box.value = num(c.value);
    box.setAttribute('aria-label', c.param);
    var base = c.value;
    function set(v, from) {
      if (!isFinite(v)) return;
      if (from !== range) { if (v < +range.min) range.min = v; if (v > +range.max) range.max = v; range.value = v; }
      if (from !== box) box.value = num(v);
      if (v === base) delete state.changes[c.id]; else state.changes[c.id] = v;
      row.classList.toggle('changed', v !== base);
      schedule();
    }
    range.addEventListener('input', function () { set(+range.value, range); });
    box.addEventListener('change', function () { set(+box.value, box); });
    row.appendChild(lab); row.appendChild(range); row.appendChild(box);
    if (c.note || c.kind === 'offset' || c.kind === 'delay' || c.kind === 'month') {
      var note = document.createElement('div');
      note.className = 'note';
      note.textContent = (kindLabel[c.kind] ? kindLabel[c.kind] + (c.note ? ' \u2014 ' : '') : '') + (c.note || '');
      row.appendChild(note);
    }
    return row;
  }

  // ------------------------------------------------------------------ runs
  // Latest wins: a new change aborts the request in flight (the server cancels its run too).
  function schedule() {
    state.t0 = performance.now();
    run();
  }

  function run() {
    if (state.controller) state.controller.abort();
    var ctl = new AbortController();
    state.controller = ctl;
    var id = ++state.runId;
    var t0 = state.t0 || performance.now();
    root.classList.add('busy');
    root.setAttribute('data-state', 'running');
    var body = { variant: state.variant, changes: state.changes, tornado: false };
    if (state.text !== null) body.text = state.text;
    api('/api/run', body, ctl.signal).then(function (r) {
      if (id !== state.runId) return;
      if (r.status === 409) return;  // superseded: a newer run is coming
      if (r.status !== 200) {
        root.classList.remove('busy');
        root.setAttribute('data-state', 'error');
        showError((r.body.errors || []).map(function (e) { return e.text; }).join('\n') || r.body.error);
        return;
      }
      showError('');
      state.fetchMs = performance.now() - t0;
      state.prev = state.cur;
      state.cur = r.body;
      $('patch').textContent = r.body.patch || '(aucune)';
      return render().then(function () {
        if (id !== state.runId) return;
        return new Promise(function (res) { requestAnimationFrame(function () { res(); }); });
      }).then(function () {
        if (id !== state.runId) return;
        state.latency = performance.now() - t0;
        state.shown += 1;
        root.classList.remove('busy');
        root.setAttribute('data-latency-ms', state.latency.toFixed(1));
        root.setAttribute('data-response-ms', state.fetchMs.toFixed(1));
        root.setAttribute('data-server-ms', String(Math.round(state.cur.server_ms * 10) / 10));
        root.setAttribute('data-runs', String(state.shown));
        root.setAttribute('data-state', 'ready');
        setStatus();
        tornado(id, body);
      });
    }).catch(function (err) {
      if (err && err.name === 'AbortError') return;
      if (id !== state.runId) return;
      root.setAttribute('data-state', 'error');
      showError('Le serveur ne répond pas : ' + (err && err.message ? err.message : err));
      console.warn('amorce serve: ' + err);
    });
  }

  // The tornado (a few dozen deterministic runs) is asked once the answers and the cash charts
  // are drawn, so it never delays them; a newer change makes it pointless.
  function tornado(id, body) {
    api('/api/tornado', body).then(function (r) {
      if (id !== state.runId || r.status !== 200) return;
      state.torPrev = state.tor;
      state.tor = r.body.tornado;
      return renderTornado().then(function () {
        if (id === state.runId) root.setAttribute('data-tornado', String(state.shown));
      });
    }).catch(function (err) { console.warn('amorce serve: tornado: ' + err); });
  }

  // ------------------------------------------------------------------ answers
  function q(ind, key) { return ind && ind.quantiles ? ind.quantiles[key] : null; }
  function answers(c, p) {
    var sf = c.probabilities.shortfall;
    var el = $('shortfall');
    el.textContent = pct(sf.p);
    el.dataset.value = String(sf.p);
    el.classList.toggle('risk-high', sf.p >= 0.2);
    $('shortfall-se').textContent = sf.p > 0 && sf.p < 1 ? '\u00b1 ' + pct(sf.se) : (sf.p === 0 ? '(aucun chemin ; < ' + pct(sf.upper95) + ' à 95 %)' : '(tous les chemins)');
    $('shortfall-before').textContent = p ? 'avant : ' + pct(p.probabilities.shortfall.p) : '';
    var need = c.indicators.funding_need;
    $('need-p50').textContent = money(q(need, 'p50'));
    $('need-p90').textContent = money(q(need, 'p90'));
    $('need-before').textContent = p ? 'avant : ' + money(q(p.indicators.funding_need, 'p50')) + ' \u00b7 ' + money(q(p.indicators.funding_need, 'p90')) : '';
    var mc = c.indicators.min_cash;
    $('mincash-p50').textContent = money(q(mc, 'p50'));
    $('mincash-range').textContent = '(P10\u2013P90 : ' + money(q(mc, 'p10')) + ' \u2013 ' + money(q(mc, 'p90')) + ')';
    var modes = (c.indicators.min_cash_month.modes || []).map(function (m) {
      return monthText(m.from) + (m.to !== m.from ? ' \u2013 ' + monthText(m.to) : '') + ' (' + pct(m.share, 0) + ')';
    });
    $('mincash-when').textContent = 'surtout en : ' + (modes.join(', ') || '\u2014');
    $('mincash-before').textContent = p ? 'avant : ' + money(q(p.indicators.min_cash, 'p50')) : '';
    function be(x) {
      var m = q(x.indicators.breakeven_month, 'p50');
      return m === null || m === undefined ? 'jamais dans l\u2019horizon' : monthText(x.months[Math.round(m)]) + ' (' + Math.round(m) + ' mois)';
    }
    function never(x) { var b = x.indicators.breakeven_month; return (b.n + b.missing) ? b.missing / (b.n + b.missing) : NaN; }
    $('breakeven').textContent = be(c);
    $('breakeven-never').textContent = pct(never(c));
    $('breakeven-before').textContent = p ? 'avant : ' + be(p) + ', jamais ' + pct(never(p)) : '';
    var t = $('years');
    var html = '<tr><th></th>' + c.years.map(function (y) { return '<th>' + y.label + (y.complete ? '' : '*') + '</th>'; }).join('') + '</tr>';
    function row(label, key) {
      return '<tr><td>' + label + '</td>' + c.years.map(function (y, i) {
        var b = p && p.years[i] ? '<span class="before">' + pct(p.years[i][key], 0) + '</span>' : '';
        return '<td>' + pct(y[key], 0) + b + '</td>';
      }).join('') + '</tr>';
    }
    t.innerHTML = html + row('Part des subventions dans les ressources', 'subsidy_share') + row('Autofinancement (recettes propres / charges)', 'self_financing');
  }

  // ------------------------------------------------------------------ charts
  function dateOf(label) { return label + '-01'; }
  function fanRows(r) {
    if (!r || !r.fan) return [];
    return r.months.map(function (m, i) {
      return { date: dateOf(m), month: monthText(m), p5: r.fan.p5[i], p25: r.fan.p25[i], p50: r.fan.p50[i], p75: r.fan.p75[i], p95: r.fan.p95[i] };
    });
  }
  function negRows(r) {
    if (!r) return [];
    return r.months.map(function (m, i) { return { date: dateOf(m), month: monthText(m), p: r.negative[i] }; });
  }
  function torRows(t, order) {
    if (!t) return [];
    return t.rows.filter(function (x) { return order.indexOf(x.name) >= 0; }).map(function (x) {
      var lo = Math.min(x.low, x.high), hi = Math.max(x.low, x.high);
      return { name: x.name, label: x.label.length > 60 ? x.label.slice(0, 57) + '\u2026' : x.label, low: lo, high: hi, at_low: x.low, at_high: x.high };
    });
  }

  var xMonth = { field: 'date', type: 'temporal', timeUnit: 'yearmonth', title: null,
                 axis: { format: '%b %Y', labelAngle: 0, tickCount: 10, grid: false } };
  var moneyAxis = { format: '$,.0f', title: null };
  var colors = { domain: ['P5\u2013P95', 'P25\u2013P75', 'M\u00e9diane', 'Avant'], range: ['#BFD9EC', '#6AAED6', '#0072B2', '#999999'] };
  function fanSpec() {
    return { width: 'container', height: 280, autosize: { type: 'fit-x', contains: 'padding', resize: true }, layer: [
      { data: { name: 'fan' }, mark: { type: 'area', opacity: 0.9 }, encoding: { x: xMonth, y: { field: 'p5', type: 'quantitative', axis: moneyAxis }, y2: { field: 'p95' },
        color: { datum: 'P5\u2013P95', type: 'nominal', scale: colors, legend: { title: null, orient: 'top' } } } },
      { data: { name: 'fan' }, mark: { type: 'area', opacity: 0.9 }, encoding: { x: xMonth, y: { field: 'p25', type: 'quantitative' }, y2: { field: 'p75' },
        color: { datum: 'P25\u2013P75', type: 'nominal' } } },
      { data: { name: 'fan' }, mark: { type: 'line', strokeWidth: 2.5 }, encoding: { x: xMonth, y: { field: 'p50', type: 'quantitative' },
        color: { datum: 'M\u00e9diane', type: 'nominal' },
        tooltip: [{ field: 'month', title: 'Mois' }, { field: 'p5', title: 'P5', format: '$,.0f' }, { field: 'p50', title: 'M\u00e9diane', format: '$,.0f' }, { field: 'p95', title: 'P95', format: '$,.0f' }] } },
      { data: { name: 'fanPrev' }, mark: { type: 'line', strokeWidth: 1.5, strokeDash: [4, 3], opacity: 0.8 },
        encoding: { x: xMonth, y: { field: 'p50', type: 'quantitative' }, color: { datum: 'Avant', type: 'nominal' } } },
      { data: { name: 'fanPrev' }, mark: { type: 'line', strokeWidth: 1, strokeDash: [2, 3], opacity: 0.6, color: '#999999' },
        encoding: { x: xMonth, y: { field: 'p5', type: 'quantitative' } } },
      { data: { name: 'fanPrev' }, mark: { type: 'line', strokeWidth: 1, strokeDash: [2, 3], opacity: 0.6, color: '#999999' },
        encoding: { x: xMonth, y: { field: 'p95', type: 'quantitative' } } },
      { data: { values: [{}] }, mark: { type: 'rule', color: '#000', strokeDash: [5, 3] }, encoding: { y: { datum: 0, type: 'quantitative' } } }
    ] };
  }
  function negSpec() {
    return { width: 'container', height: 150, autosize: { type: 'fit-x', contains: 'padding', resize: true }, layer: [
      { data: { name: 'neg' }, mark: { type: 'bar', color: '#D55E00' }, encoding: { x: xMonth,
        y: { field: 'p', type: 'quantitative', scale: { domain: [0, 1] }, axis: { format: '.0%', title: null } },
        tooltip: [{ field: 'month', title: 'Mois' }, { field: 'p', title: 'Probabilit\u00e9', format: '.1%' }] } },
      { data: { name: 'negPrev' }, mark: { type: 'line', interpolate: 'step', color: '#777777', strokeWidth: 1.2, opacity: 0.8 },
        encoding: { x: xMonth, y: { field: 'p', type: 'quantitative' } } }
    ] };
  }
  function torSpec() {
    return { width: 'container', height: { step: 22 }, autosize: { type: 'fit-x', contains: 'padding', resize: true }, layer: [
      { data: { name: 'torPrev' }, mark: { type: 'bar', fill: null, stroke: '#999999', strokeDash: [3, 2], height: 18 },
        encoding: { y: { field: 'label', type: 'nominal', sort: null, title: null, axis: { labelLimit: 320 } }, x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } } },
      { data: { name: 'tor' }, mark: { type: 'bar', color: '#0072B2', opacity: 0.85, height: 12 },
        encoding: { y: { field: 'label', type: 'nominal', sort: null }, x: { field: 'low', type: 'quantitative', axis: moneyAxis }, x2: { field: 'high' },
          tooltip: [{ field: 'label', title: 'Hypoth\u00e8se' }, { field: 'at_low', title: '\u00e0 son P10', format: '$,.0f' }, { field: 'at_high', title: '\u00e0 son P90', format: '$,.0f' }] } },
      { data: { name: 'torBase' }, mark: { type: 'rule', color: '#000', strokeDash: [4, 3] }, encoding: { x: { field: 'base', type: 'quantitative' } } }
    ] };
  }

  function embed(id, spec) {
    var opts = { renderer: 'svg', actions: false, formatLocale: numberLocale, timeFormatLocale: timeLocale, tooltip: true };
    return vegaEmbed($(id), spec, opts).then(function (res) { state.views[id] = res.view; return res.view; });
  }

  function setData(view, sets) {
    Object.keys(sets).forEach(function (k) { view.data(k, sets[k]); });
    return view.runAsync();
  }

  function render() {
    var c = state.cur, p = state.prev;
    answers(c, p);
    var jobs = [];
    jobs.push(setData(state.views['chart-fan'], { fan: fanRows(c), fanPrev: fanRows(p) }));
    jobs.push(setData(state.views['chart-negative'], { neg: negRows(c), negPrev: negRows(p) }));
    return Promise.all(jobs);
  }
  function renderTornado() {
    var t = state.tor, tp = state.torPrev;
    var order = t ? t.rows.slice(0, 12).map(function (x) { return x.name; }) : [];
    return setData(state.views['chart-tornado'], { tor: torRows(t, order), torPrev: torRows(tp, order), torBase: t ? [{ base: t.base }] : [] });
  }

  // ------------------------------------------------------------------ variants, saving
  function fillVariants(list, selected) {
    var sel = $('variant');
    sel.textContent = '';
    var o = document.createElement('option');
    o.value = ''; o.textContent = '(sc\u00e9nario de base)';
    sel.appendChild(o);
    list.forEach(function (v) {
      var e = document.createElement('option');
      e.value = v.name;
      e.textContent = v.name + (v.saved ? ' (enregistr\u00e9e)' : '');
      sel.appendChild(e);
    });
    sel.value = selected || '';
  }

  function loadControls(info) {
    state.info.controls = info.controls;
    buildControls(info.controls);
  }

  function onVariant() {
    state.variant = $('variant').value;
    state.changes = {};
    var body = { variant: state.variant };
    if (state.text !== null) body.text = state.text;
    api('/api/controls', body).then(function (r) {
      if (r.status !== 200) { showError(r.body.error); return; }
      loadControls(r.body);
      schedule();
    });
  }

  function save() {
    var name = $('variant-name').value.trim();
    var body = { name: name, variant: state.variant, changes: state.changes };
    if (state.text !== null) body.text = state.text;
    $('save-status').textContent = 'Enregistrement\u2026';
    api('/api/variants', body).then(function (r) {
      if (r.status !== 200) { $('save-status').textContent = 'Non enregistr\u00e9e : ' + r.body.error; root.setAttribute('data-saved', 'error'); return; }
      $('save-status').textContent = 'Variante \u00ab ' + r.body.name + ' \u00bb enregistr\u00e9e dans ' + r.body.file + ' : amorce run ' +
        state.info.file + ' --variant ' + r.body.name;
      root.setAttribute('data-saved', r.body.name);
      fillVariants(r.body.variants, state.variant);
    });
  }

  // ------------------------------------------------------------------ editor
  var validateTimer = null, validateId = 0, lastValid = null;
  function validate() {
    var text = $('editor').value;
    var id = ++validateId;
    api('/api/validate', { text: text }).then(function (r) {
      if (id !== validateId) return;
      var list = $('validation-errors');
      list.textContent = '';
      if (r.status !== 200) { $('validation').textContent = r.body.error; root.setAttribute('data-validation', 'error'); return; }
      if (r.body.ok) {
        $('validation').textContent = r.body.message;
        lastValid = { text: text, info: r.body };
        $('apply-text').disabled = text === (state.text === null ? state.fileText : state.text);
        root.setAttribute('data-validation', 'ok');
      } else {
        $('validation').textContent = r.body.errors.length + (r.body.errors.length > 1 ? ' erreurs' : ' erreur');
        r.body.errors.forEach(function (e) {
          var li = document.createElement('li');
          li.textContent = e.text;
          list.appendChild(li);
        });
        $('apply-text').disabled = true;
        lastValid = null;
        root.setAttribute('data-validation', 'errors');
      }
    });
  }
  function applyText() {
    if (!lastValid) return;
    state.text = lastValid.text === state.fileText ? null : lastValid.text;
    state.changes = {};
    state.variant = '';
    fillVariants(lastValid.info.variants, '');
    loadControls(lastValid.info);
    $('apply-text').disabled = true;
    schedule();
  }

  // ------------------------------------------------------------------ start
  if (typeof vegaEmbed !== 'function') {
    root.setAttribute('data-state', 'error');
    console.error('amorce serve: the charting library is missing from this page');
    return;
  }
  api('/api/scenario').then(function (r) {
    if (r.status !== 200) { showError(r.body.error); root.setAttribute('data-state', 'error'); return; }
    state.info = r.body;
    state.fileText = r.body.text;
    $('scenario-name').textContent = r.body.name;
    document.title = 'amorce \u2014 et si ? \u2014 ' + r.body.name;
    $('variants-file').textContent = r.body.variants_file;
    $('editor').value = r.body.text;
    fillVariants(r.body.variants, '');
    buildControls(r.body.controls);
    setStatus();
    return Promise.all([embed('chart-fan', fanSpec()), embed('chart-negative', negSpec()), embed('chart-tornado', torSpec())]).then(function () {
      $('variant').addEventListener('change', onVariant);
      $('reset').addEventListener('click', function () { state.changes = {}; loadControls(state.info); schedule(); });
      $('save').addEventListener('click', save);
      $('editor').addEventListener('input', function () { clearTimeout(validateTimer); validateTimer = setTimeout(validate, 250); });
      $('apply-text').addEventListener('click', applyText);
      $('revert-text').addEventListener('click', function () {
        $('editor').value = state.fileText;
        validate();
        if (state.text === null) return;
        state.text = null;
        state.changes = {};
        state.variant = '';
        api('/api/controls', { variant: '' }).then(function (r) {
          if (r.status === 200) { fillVariants(r.body.variants, ''); loadControls(r.body); }
          schedule();
        });
      });
      schedule();
    });
  }).catch(function (err) {
    root.setAttribute('data-state', 'error');
    showError('Le serveur ne r\u00e9pond pas : ' + (err && err.message ? err.message : err));
  });
})();
