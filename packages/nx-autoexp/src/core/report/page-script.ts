/**
 * The page's own script (plain ES2017, runs in the browser). It reads the
 * embedded JSON and draws everything with DOM text nodes (never innerHTML),
 * so no text from the data is ever parsed as HTML. `diffConfigs` is defined
 * before it (the tested TypeScript function, inlined by render-html.ts).
 * Kept as a string because the build only compiles TypeScript for Node.
 */
export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var exps = data.experiments;
  var PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f'];
  var MAX_TOPICS = 20;

  function byId(id) { return document.getElementById(id); }
  function colorOf(e) { return PALETTE[exps.indexOf(e) % PALETTE.length]; }
  function isNum(v) { return typeof v === 'number' && isFinite(v); }
  function x100(v) { return isNum(v) ? (v * 100).toFixed(2) : '\u2013'; }
  function when(e) { return e.when ? e.when.slice(0, 19).replace('T', ' ') + ' UTC' : e.timestamp; }
  // Builds an element; strings become text nodes, so data is never parsed as HTML.
  function h(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (k) {
      var v = props[k];
      if (v === null || v === undefined || v === false) return;
      if (k === 'text') node.textContent = String(v);
      else if (k === 'className') node.className = v;
      else node.setAttribute(k, v === true ? '' : String(v));
    });
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined) node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  function placeholder(canvasId, text) {
    var canvas = byId(canvasId);
    canvas.parentNode.replaceChild(h('p', { className: 'empty', text: text }), canvas);
  }

  if (window.Chart) {
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.animation = false;
    Chart.defaults.maintainAspectRatio = false;
  }

  // Trivial baselines of the dev sets: reference rows (not ranked) and lines on the eval chart.
  var refs = (data.baselines || []).map(function (b) {
    var above = exps.filter(function (e) { return isNum(e.score) && e.score > b.score; }).length;
    return { baseline: true, rank: null, order: above + 0.5, experiment: '[baseline] ' + b.name, description: b.description,
      score: b.score, rouge1: b.rouge1, rouge2: b.rouge2, rougeL: b.rougeL, step: null, strategy: '', configHash: '', timestamp: '', when: null };
  });
  function rankOf(e) { return e.baseline ? e.order : e.rank; }

  function renderSummary() {
    var best = exps[0];
    var below = exps.filter(function (e) { return e.belowBaseline; }).length;
    byId('summary').textContent = exps.length
      ? exps.length + ' experiment' + (exps.length === 1 ? '' : 's') + ' \u00b7 best: ' + best.experiment + ' (dev score ' + x100(best.score) + ')' +
        (below ? ' \u00b7 ' + below + ' below the best trivial baseline' : '')
      : 'no submissions yet';
  }

  function renderNotes() {
    var list = byId('notes-list');
    data.notes.forEach(function (n) { list.appendChild(h('li', null, [n])); });
    exps.forEach(function (e) {
      e.notes.forEach(function (n) { list.appendChild(h('li', null, [h('strong', { text: e.experiment + ': ' }), n])); });
    });
    byId('notes').hidden = list.children.length === 0;
  }

  // --- leaderboard -------------------------------------------------------
  var COLUMNS = [
    { key: 'rank', label: '#', num: true, get: rankOf, show: function (e) { return e.baseline ? '\u2013' : String(e.rank); } },
    { key: 'experiment', label: 'experiment', get: function (e) { return e.experiment; }, show: function (e) { return e.experiment + (e.smoke ? ' (smoke)' : '') + (e.belowBaseline ? ' (below baseline)' : ''); }, title: function (e) { return e.baseline ? e.description : e.belowBaseline ? 'does not beat the best trivial baseline of its dev set' : null; } },
    { key: 'score', label: 'dev score', num: true, get: function (e) { return e.score; }, show: function (e) { return x100(e.score); } },
    { key: 'publicScore', label: 'public', num: true, get: function (e) { return e.publicScore; }, show: function (e) { return x100(e.publicScore); } },
    { key: 'privateScore', label: 'private', num: true, get: function (e) { return e.privateScore; }, show: function (e) { return x100(e.privateScore); } },
    { key: 'rouge1', label: 'R1', num: true, get: function (e) { return e.rouge1; }, show: function (e) { return x100(e.rouge1); } },
    { key: 'rouge2', label: 'R2', num: true, get: function (e) { return e.rouge2; }, show: function (e) { return x100(e.rouge2); } },
    { key: 'rougeL', label: 'RL', num: true, get: function (e) { return e.rougeL; }, show: function (e) { return x100(e.rougeL); } },
    { key: 'step', label: 'checkpoint step', num: true, get: function (e) { return e.step; }, show: function (e) { return e.step === null ? '\u2013' : String(e.step); } },
    { key: 'strategy', label: 'strategy', get: function (e) { return e.strategy; }, show: function (e) { return e.strategy || '\u2013'; } },
    { key: 'configHash', label: 'config hash', get: function (e) { return e.configHash; }, show: function (e) { return e.configHash ? e.configHash.slice(0, 8) : '\u2013'; }, title: function (e) { return e.configHash; } },
    { key: 'when', label: 'when', get: function (e) { return e.timestamp; }, show: when },
    // Sorting by it keeps a group's members together.
    { key: 'group', label: 'group: mean \u00b1 std (n)', get: function (e) { return e.group ? e.group.name : ''; }, show: function (e) { return e.group ? e.group.name + ': ' + x100(e.group.mean) + ' \u00b1 ' + x100(e.group.std) + ' (n=' + e.group.n + ')' : ''; }, title: function (e) { return e.group ? 'sweep variants that differ only in sweep.group_by (default train.seed): mean and sample std of their dev scores' : null; } }
  ].filter(function (c) { return c.key !== 'group' || exps.some(function (e) { return e.group; }); });
  var sortKey = 'rank';
  var sortDir = 1;

  function sortedRows() {
    var col = COLUMNS.filter(function (c) { return c.key === sortKey; })[0];
    return exps.concat(refs).sort(function (a, b) {
      var va = col.get(a), vb = col.get(b);
      var ea = va === null || va === undefined || va === '', eb = vb === null || vb === undefined || vb === '';
      if (ea || eb) return ea === eb ? rankOf(a) - rankOf(b) : ea ? 1 : -1; // blanks last either way
      if (va < vb) return -sortDir;
      if (va > vb) return sortDir;
      return rankOf(a) - rankOf(b);
    });
  }

  function renderLeaderboard() {
    var table = byId('leaderboard-table');
    var headRow = h('tr');
    COLUMNS.forEach(function (c) {
      var active = c.key === sortKey;
      var button = h('button', { type: 'button', 'data-key': c.key, text: c.label + (active ? (sortDir > 0 ? ' \u25b2' : ' \u25bc') : '') });
      button.addEventListener('click', function () {
        if (sortKey === c.key) sortDir = -sortDir;
        else { sortKey = c.key; sortDir = c.num && c.key !== 'rank' && c.key !== 'step' ? -1 : 1; }
        renderLeaderboard();
      });
      headRow.appendChild(h('th', { scope: 'col', className: c.num ? 'num' : null, 'aria-sort': active ? (sortDir > 0 ? 'ascending' : 'descending') : 'none' }, [button]));
    });
    var body = h('tbody');
    sortedRows().forEach(function (e) {
      body.appendChild(h('tr', { 'data-experiment': e.experiment, className: e.baseline ? 'baseline' : (e.belowBaseline ? 'below-baseline' : null) }, COLUMNS.map(function (c) {
        return h('td', { className: c.num ? 'num' : null, title: c.title ? c.title(e) : null, text: c.show(e) });
      })));
    });
    clear(table).appendChild(h('thead', null, [headRow]));
    table.appendChild(body);
  }

  // --- dev score vs public leaderboard -----------------------------------
  function renderPublic() {
    var d = data.devVsPublic;
    var corr = isNum(d.correlation)
      ? 'Pearson r = ' + d.correlation.toFixed(2) + ' over ' + d.n + ' submissions'
      : d.n < 3 ? 'the correlation needs 3 submissions with both scores (' + d.n + ' so far)' : 'no correlation: one of the scores is the same for every submission';
    byId('public-caption').textContent = 'One point per submission whose public score was recorded (npx autoexp lb record), x100; '
      + (d.series.length > 1 || (d.series[0] && d.series[0].group) ? 'one colour per sweep group; ' : '')
      + 'the dashed line is public = dev. ' + corr + '.'
      + (d.withoutDev.length ? ' Not drawn (no dev score): ' + d.withoutDev.join(', ') + '.' : '');
    if (!d.n) { placeholder('public-chart', 'no public scores recorded yet: npx autoexp lb record <experiment> <public score>'); return; }
    if (!window.Chart) { placeholder('public-chart', 'Chart.js did not load'); return; }
    var all = [];
    d.series.forEach(function (s) { s.points.forEach(function (p) { all.push(p.dev * 100, p.public * 100); }); });
    var lo = Math.floor(Math.min.apply(null, all)), hi = Math.ceil(Math.max.apply(null, all));
    var grouped = d.series.some(function (s) { return s.group; });
    var datasets = d.series.map(function (s, i) {
      var color = PALETTE[i % PALETTE.length];
      return {
        type: 'scatter',
        label: s.group || (grouped ? 'no sweep group' : 'submissions'),
        data: s.points.map(function (p) { return { x: p.dev * 100, y: p.public * 100, id: p.id }; }),
        borderColor: color, backgroundColor: color, pointRadius: 6, pointHoverRadius: 8
      };
    });
    datasets.push({ type: 'line', label: 'public = dev', data: [{ x: lo, y: lo }, { x: hi, y: hi }], borderColor: '#999', borderDash: [6, 4], borderWidth: 1, pointRadius: 0 });
    new Chart(byId('public-chart'), {
      type: 'scatter',
      data: { datasets: datasets },
      options: {
        scales: { x: { type: 'linear', title: { display: true, text: 'dev score (x100)' } }, y: { title: { display: true, text: 'public leaderboard score (x100)' } } },
        plugins: {
          legend: { position: 'bottom' },
          tooltip: { callbacks: { label: function (ctx) { var p = ctx.raw; return p.id ? p.id + ': dev ' + p.x.toFixed(2) + ', public ' + p.y.toFixed(2) : ctx.dataset.label; } } }
        }
      }
    });
  }

  // --- learning curves ---------------------------------------------------
  function line(label, points, color, scale) {
    return {
      label: label,
      data: points.map(function (p) { return { x: p.step, y: p.value * scale }; }),
      borderColor: color, backgroundColor: color, borderWidth: 2, pointRadius: 2, tension: 0
    };
  }
  function linearChart(id, datasets, yTitle) {
    return new Chart(byId(id), {
      type: 'line',
      data: { datasets: datasets },
      options: {
        scales: { x: { type: 'linear', title: { display: true, text: 'step' } }, y: { title: { display: true, text: yTitle } } },
        // Point styles in the legend, so the star of a best checkpoint is recognisable there.
        plugins: { legend: { position: 'bottom', labels: { usePointStyle: true } } }
      }
    });
  }
  function renderCurves() {
    var loss = [], evals = [], info = byId('curve-info');
    exps.forEach(function (e) {
      var c = e.curve, color = colorOf(e);
      if (!c) { info.appendChild(h('li', null, [h('strong', { text: e.experiment + ': ' }), 'no learning curve (see notes)'])); return; }
      if (c.trainLoss.length) loss.push(line(e.experiment, c.trainLoss, color, 1));
      if (c.evalScore.length) evals.push(line(e.experiment, c.evalScore, color, 100));
      if (c.best && isNum(c.best.value)) {
        evals.push({
          label: e.experiment + ' best (step ' + c.best.step + ')',
          data: [{ x: c.best.step, y: c.best.value * 100 }],
          showLine: false, pointStyle: 'star', pointRadius: 12, pointHoverRadius: 14, pointBorderWidth: 3,
          borderColor: color, backgroundColor: color
        });
      }
      var best = c.best ? 'best checkpoint: step ' + c.best.step + (isNum(c.best.value) ? ' (eval score ' + x100(c.best.value) + ')' : '') : 'no best checkpoint recorded';
      info.appendChild(h('li', null, [h('strong', { text: e.experiment + ': ' }), best + ' \u00b7 ' + c.trainLoss.length + ' loss / ' + c.evalScore.length + ' eval points from ' + c.source]));
    });
    if (evals.length) {
      // Each baseline as a dashed horizontal line across the steps of the curves.
      var steps = [];
      evals.forEach(function (d) { d.data.forEach(function (p) { steps.push(p.x); }); });
      var lo = Math.min.apply(null, steps), hi = Math.max.apply(null, steps);
      refs.forEach(function (b) {
        evals.push({ label: b.experiment + ' (' + x100(b.score) + ')', data: [{ x: lo, y: b.score * 100 }, { x: hi, y: b.score * 100 }],
          borderColor: '#888', backgroundColor: '#888', borderDash: [6, 4], borderWidth: 1, pointRadius: 0, tension: 0 });
      });
    }
    if (!window.Chart) { placeholder('loss-chart', 'Chart.js did not load'); placeholder('eval-chart', 'Chart.js did not load'); return; }
    if (loss.length) linearChart('loss-chart', loss, 'train loss'); else placeholder('loss-chart', 'no train loss logged');
    if (evals.length) linearChart('eval-chart', evals, 'eval score (x100)'); else placeholder('eval-chart', 'no eval score logged');
  }

  // --- dev score per topic -----------------------------------------------
  function topicScore(e, topic) {
    if (!e.items) return null;
    return e.items.topics.filter(function (t) { return t.topic === topic; })[0] || null;
  }
  function renderTopics() {
    var scored = exps.filter(function (e) { return e.items; });
    var topics = data.topics.slice(0, MAX_TOPICS);
    byId('topic-caption').textContent = data.topics.length > MAX_TOPICS
      ? 'The ' + MAX_TOPICS + ' topics with the most dev items, of ' + data.topics.length + '; every topic is in the table below.'
      : data.topics.length + ' topic' + (data.topics.length === 1 ? '' : 's') + '; mean dev score of the items of each topic (x100).';
    if (!scored.length || !window.Chart) { placeholder('topic-chart', window.Chart ? 'no per-item dev scores (see notes)' : 'Chart.js did not load'); }
    else {
      new Chart(byId('topic-chart'), {
        type: 'bar',
        data: {
          labels: topics,
          datasets: scored.map(function (e) {
            return {
              label: e.experiment,
              data: topics.map(function (t) { var s = topicScore(e, t); return s ? s.score * 100 : null; }),
              backgroundColor: colorOf(e)
            };
          })
        },
        options: {
          scales: { y: { beginAtZero: true, title: { display: true, text: 'dev score (x100)' } } },
          plugins: {
            legend: { position: 'bottom' },
            tooltip: { callbacks: { afterLabel: function (ctx) { var s = topicScore(scored[ctx.datasetIndex], ctx.label); return s ? s.n + ' item' + (s.n === 1 ? '' : 's') : ''; } } }
          }
        }
      });
    }
    var table = byId('topic-table');
    table.appendChild(h('thead', null, [h('tr', null, [h('th', { text: 'topic' }), h('th', { className: 'num', text: 'items' })].concat(scored.map(function (e) { return h('th', { className: 'num', text: e.experiment }); })))]));
    var body = h('tbody');
    data.topics.forEach(function (t) {
      var n = scored.map(function (e) { var s = topicScore(e, t); return s ? s.n : 0; }).reduce(function (a, b) { return Math.max(a, b); }, 0);
      body.appendChild(h('tr', null, [h('td', { text: t }), h('td', { className: 'num', text: String(n) })].concat(scored.map(function (e) {
        var s = topicScore(e, t);
        return h('td', { className: 'num', text: s ? x100(s.score) : '\u2013' });
      }))));
    });
    table.appendChild(body);
  }

  // --- worst dev items ---------------------------------------------------
  function textCell(text, cls) { return h('td', { className: cls }, [h('div', { className: 'text', text: text })]); }
  function renderWorstTable(e) {
    var table = clear(byId('worst-table'));
    var caption = byId('worst-caption');
    if (!e || !e.items) { caption.textContent = e ? e.experiment + ': no per-item dev scores (see notes).' : 'no experiments.'; return; }
    caption.textContent = 'The ' + e.items.worst.length + ' dev items with the lowest score for ' + e.experiment + ', of ' + e.items.count + ' scored (score = mean of R1/R2/RL F1, x100).';
    table.appendChild(h('thead', null, [h('tr', null, ['#', 'fname', 'topic', 'score', 'dialogue', 'reference', 'prediction'].map(function (l) {
      return h('th', { className: l === '#' || l === 'score' ? 'num' : null, text: l });
    }))]));
    var body = h('tbody');
    e.items.worst.forEach(function (it, i) {
      body.appendChild(h('tr', { 'data-fname': it.fname }, [
        h('td', { className: 'num', text: String(i + 1) }),
        h('td', { text: it.fname }),
        h('td', { text: it.topic }),
        h('td', { className: 'num', title: 'R1 ' + x100(it.rouge1) + ' / R2 ' + x100(it.rouge2) + ' / RL ' + x100(it.rougeL), text: x100(it.score) }),
        textCell(it.dialogue, 'dialogue'),
        textCell(it.reference, 'reference'),
        textCell(it.prediction, 'prediction')
      ]));
    });
    table.appendChild(body);
  }
  function renderWorst() {
    var select = byId('worst-select');
    exps.forEach(function (e) { select.appendChild(h('option', { value: e.experiment, text: e.experiment + (e.items ? '' : ' (no per-item scores)') })); });
    var first = exps.filter(function (e) { return e.items; })[0] || exps[0];
    if (first) select.value = first.experiment;
    select.addEventListener('change', function () { renderWorstTable(exps.filter(function (e) { return e.experiment === select.value; })[0]); });
    renderWorstTable(first);
  }

  // --- config differences ------------------------------------------------
  function renderDiffTable() {
    var a = exps.filter(function (e) { return e.experiment === byId('diff-a').value; })[0];
    var b = exps.filter(function (e) { return e.experiment === byId('diff-b').value; })[0];
    var table = clear(byId('diff-table'));
    var caption = byId('diff-caption');
    if (!a || !b) { caption.textContent = 'Needs two experiments whose submission metadata has a config.'; return; }
    var diff = diffConfigs(a.config, b.config);
    var total = Object.keys(Object.assign({}, a.config, b.config)).length;
    caption.textContent = diff.length + ' of ' + total + ' config keys differ between ' + a.experiment + ' and ' + b.experiment + '.';
    if (!diff.length) return;
    table.appendChild(h('thead', null, [h('tr', null, [h('th', { text: 'key' }), h('th', { text: a.experiment }), h('th', { text: b.experiment })])]));
    var body = h('tbody');
    diff.forEach(function (d) {
      body.appendChild(h('tr', { 'data-key': d.key }, [
        h('td', { className: 'key', text: d.key }),
        h('td', { className: d.a === null ? 'unset' : null, text: d.a === null ? '(unset)' : d.a }),
        h('td', { className: d.b === null ? 'unset' : null, text: d.b === null ? '(unset)' : d.b })
      ]));
    });
    table.appendChild(body);
  }
  function renderDiff() {
    var withConfig = exps.filter(function (e) { return e.config; });
    ['diff-a', 'diff-b'].forEach(function (id, i) {
      var select = byId(id);
      withConfig.forEach(function (e) { select.appendChild(h('option', { value: e.experiment, text: e.experiment })); });
      var pick = withConfig[Math.min(i, withConfig.length - 1)];
      if (pick) select.value = pick.experiment;
      select.addEventListener('change', renderDiffTable);
    });
    renderDiffTable();
  }

  renderSummary();
  renderNotes();
  renderLeaderboard();
  renderPublic();
  renderCurves();
  renderTopics();
  renderWorst();
  renderDiff();
  document.body.setAttribute('data-ready', 'true');
})();
`;
