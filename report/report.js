/* amorce funder's report: renders the Vega-Lite specifications written by the engine into the
   page, with French or English number and date formats. Embedded inline; no network. */
(function () {
  'use strict';
  var root = document.documentElement;
  function fail(el, message) {
    if (el) {
      var p = document.createElement('p');
      p.className = 'chart-error';
      p.textContent = message;
      el.appendChild(p);
    }
  }
  var cfgEl = document.getElementById('amorce-charts');
  if (!cfgEl) { root.setAttribute('data-charts', 'none'); return; }
  var cfg = JSON.parse(cfgEl.textContent);
  var fr = cfg.lang !== 'en';
  var numberLocale = fr
    ? { decimal: ',', thousands: '\u202f', grouping: [3], currency: ['', '\u00a0\u20ac'], percent: '\u202f%', minus: '\u2212' }
    : { decimal: '.', thousands: ',', grouping: [3], currency: ['\u20ac', ''], percent: '%', minus: '\u2212' };
  var timeLocale = fr
    ? { dateTime: '%A %e %B %Y \u00e0 %X', date: '%d/%m/%Y', time: '%H:%M:%S', periods: ['AM', 'PM'],
        days: ['dimanche', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'],
        shortDays: ['dim.', 'lun.', 'mar.', 'mer.', 'jeu.', 'ven.', 'sam.'],
        months: ['janvier', 'f\u00e9vrier', 'mars', 'avril', 'mai', 'juin', 'juillet', 'ao\u00fbt', 'septembre', 'octobre', 'novembre', 'd\u00e9cembre'],
        shortMonths: ['janv.', 'f\u00e9vr.', 'mars', 'avr.', 'mai', 'juin', 'juil.', 'ao\u00fbt', 'sept.', 'oct.', 'nov.', 'd\u00e9c.'] }
    : { dateTime: '%x, %X', date: '%-m/%-d/%Y', time: '%-I:%M:%S %p', periods: ['AM', 'PM'],
        days: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
        shortDays: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'],
        months: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
        shortMonths: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] };
  var i18n = fr
    ? { CLICK_TO_VIEW_ACTIONS: 'Exporter le graphique', PNG_ACTION: 'Enregistrer en PNG', SVG_ACTION: 'Enregistrer en SVG',
        COMPILED_ACTION: 'Vega compil\u00e9', EDITOR_ACTION: '\u00c9diteur', SOURCE_ACTION: 'Source' }
    : undefined;
  if (typeof vegaEmbed !== 'function') {
    root.setAttribute('data-charts', 'failed');
    console.error('amorce report: the charting library is missing from this file');
    return;
  }
  var charts = cfg.charts || [];
  var pending = charts.length, failed = 0;
  function finished() {
    pending -= 1;
    if (pending === 0) root.setAttribute('data-charts', failed ? 'failed' : 'rendered');
  }
  if (!pending) root.setAttribute('data-charts', 'rendered');
  charts.forEach(function (c) {
    var el = document.getElementById(c.id);
    if (!el) { failed += 1; finished(); return; }
    var opts = { renderer: 'svg', actions: { export: true, source: false, compiled: false, editor: false },
                 formatLocale: numberLocale, timeFormatLocale: timeLocale, tooltip: true };
    if (i18n) opts.i18n = i18n;
    vegaEmbed(el, c.spec, opts).then(function () {
      el.setAttribute('data-rendered', 'true');
      finished();
    }).catch(function (err) {
      failed += 1;
      console.error('amorce report: chart ' + c.id + ' failed: ' + (err && err.message ? err.message : err));
      fail(el, fr ? 'Ce graphique n\u2019a pas pu \u00eatre dessin\u00e9.' : 'This chart could not be drawn.');
      finished();
    });
  });
})();
