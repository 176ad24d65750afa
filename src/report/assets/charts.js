// Chart drawing shared by the HTML report (report-client.js) and the
// dashboard (dashboard.js). Plain browser JS, no build step: both pages
// inline it after uPlot. Input is the ReportData built by
// src/web/chart-data.ts. Every chart element carries data-chart=<name> and
// gets data-drawn="1" (and data-points=<non-null values>) once drawn, so
// tests and scripts can tell a drawn chart from an empty box.
(function (global) {
  'use strict';
  var uPlot = global.uPlot;

  var POLICY_COLORS = ['#1f6fb2', '#d1495b', '#2a9d55', '#8e5bb5', '#e08e0b', '#0f8b8d', '#6b4f2a', '#555555'];
  var CATEGORY_COLORS = {
    exiting: '#d1495b',
    kworker: '#e08e0b',
    foreground: '#1f6fb2',
    system: '#8a99a8',
    lmkd: '#8e5bb5',
    background: '#2a9d55',
    idle: '#eeeeee',
  };
  var REF_COLOR = '#8a8a8a';
  var SYNC_KEY = 'swaplab-time';

  function policyColor(i) {
    return POLICY_COLORS[i % POLICY_COLORS.length];
  }

  /** Create an element; attrs go through setAttribute and text through textContent, never innerHTML. */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === 'text') node.textContent = attrs[k];
        else if (attrs[k] !== undefined && attrs[k] !== null) node.setAttribute(k, attrs[k]);
      });
    }
    (children || []).forEach(function (c) {
      if (c) node.appendChild(c);
    });
    return node;
  }

  function fmt(v, digits) {
    if (v === null || v === undefined || !isFinite(v)) return '–';
    var a = Math.abs(v);
    if (digits !== undefined) return v.toFixed(digits);
    if (a >= 1000 || Number.isInteger(v)) return Math.round(v).toLocaleString('en-US');
    if (a >= 10) return v.toFixed(1);
    return v.toFixed(2);
  }

  function countPoints(data) {
    var n = 0;
    for (var s = 1; s < data.length; s++) for (var i = 0; i < data[s].length; i++) if (data[s][i] !== null) n++;
    return n;
  }

  function section(root, title, note) {
    var body = el('div', { class: 'section-body' });
    root.appendChild(el('section', { class: 'chart-section' }, [el('h2', { text: title }), note ? el('p', { class: 'note', text: note }) : null, body]));
    return body;
  }

  function chartBox(parent, name, title) {
    var box = el('div', { class: 'chart', 'data-chart': name });
    parent.appendChild(el('figure', { class: 'chart-figure' }, [title ? el('figcaption', { text: title }) : null, box]));
    return box;
  }

  /** Draw with uPlot into `box`, keep the plot sized to the box, and mark the box drawn. */
  function plot(root, box, opts, data, height) {
    box.setAttribute('data-points', String(countPoints(data)));
    if (data[0].length === 0) {
      box.appendChild(el('p', { class: 'empty', text: 'No samples.' }));
      box.setAttribute('data-empty', '1');
    } else {
      opts.width = Math.max(280, box.clientWidth || 600);
      opts.height = height;
      var u = new uPlot(opts, data, box);
      root._swaplabPlots.push(u);
      if (global.ResizeObserver) {
        var ro = new ResizeObserver(function () {
          var w = Math.max(280, box.clientWidth);
          if (w !== u.width) u.setSize({ width: w, height: height });
        });
        ro.observe(box);
        root._swaplabObservers.push(ro);
      }
    }
    box.setAttribute('data-drawn', '1');
  }

  function axes(xLabel, yLabel) {
    return [
      { label: xLabel, stroke: '#444', grid: { stroke: '#eee' } },
      { label: yLabel, stroke: '#444', grid: { stroke: '#eee' }, size: 64 },
    ];
  }

  /**
   * One line per policy on a shared x array. opts: xLabel, yLabel, unit,
   * stepped (CDFs, bins), refs (dashed horizontal reference lines), yRange,
   * sync (share the cursor with the other time charts), colorOf(label, i).
   */
  function lineChart(root, box, xy, o) {
    var series = [
      {
        label: o.xLabel,
        value: function (u, v) {
          return v === null ? '–' : fmt(v) + ' ms';
        },
      },
    ];
    var data = [xy.x];
    xy.series.forEach(function (s, i) {
      series.push({
        label: s.label,
        stroke: o.colorOf(s.label, i),
        width: 2,
        spanGaps: true,
        points: { show: false },
        paths: o.stepped ? uPlot.paths.stepped({ align: 1 }) : undefined,
        value: function (u, v) {
          return v === null ? '–' : fmt(v) + (o.unit || '');
        },
      });
      data.push(s.y);
    });
    (o.refs || []).forEach(function (r) {
      series.push({
        label: r.label,
        stroke: REF_COLOR,
        width: 1,
        dash: [6, 4],
        points: { show: false },
        value: function () {
          return fmt(r.value) + (o.unit || '');
        },
      });
      data.push(
        xy.x.map(function () {
          return r.value;
        }),
      );
    });
    var opts = {
      scales: { x: { time: false }, y: o.yRange ? { range: o.yRange } : {} },
      axes: axes(o.xLabel, o.yLabel),
      series: series,
      cursor: o.sync ? { sync: { key: SYNC_KEY } } : {},
    };
    plot(root, box, opts, data, o.height || 260);
  }

  /** Busy share of all cores by category, stacked: cumulative lines drawn top-first with opaque fills. */
  function cpuStackChart(root, box, c) {
    var cats = c.categories;
    var cum = [];
    var acc = c.x.map(function () {
      return 0;
    });
    cats.forEach(function (cat) {
      acc = acc.map(function (v, i) {
        return v + cat.share[i];
      });
      cum.push(acc);
    });
    // uPlot paints series in order: the top layer first, so each lower one covers it from 0 up.
    var order = cats
      .map(function (_, i) {
        return i;
      })
      .reverse();
    var series = [
      {
        label: 'time',
        value: function (u, v) {
          return v === null ? '–' : fmt(v) + ' ms';
        },
      },
    ];
    var data = [c.x];
    order.forEach(function (i) {
      var color = CATEGORY_COLORS[cats[i].name] || '#999';
      series.push({
        label: cats[i].name,
        stroke: color,
        fill: color,
        width: 1,
        points: { show: false },
        paths: uPlot.paths.stepped({ align: 1 }),
        // The legend shows the category's own share, not the running sum.
        value: function (u, v, si, di) {
          return di === null || di === undefined ? '–' : fmt(cats[i].share[di], 1) + '%';
        },
      });
      data.push(cum[i]);
    });
    var opts = {
      scales: { x: { time: false }, y: { range: [0, 100] } },
      axes: axes('time (ms)', 'busy % of all CPUs'),
      series: series,
      cursor: { sync: { key: SYNC_KEY } },
    };
    plot(root, box, opts, data, 220);
  }

  function metricsTable(parent, t) {
    var thead = el('thead', null, [
      el(
        'tr',
        null,
        t.header.map(function (h) {
          return el('th', { scope: 'col', text: h });
        }),
      ),
    ]);
    var tbody = el('tbody');
    t.rows.forEach(function (r) {
      tbody.appendChild(
        el(
          'tr',
          null,
          [el('th', { scope: 'row', text: r.metric })].concat(
            r.cells.map(function (c) {
              return el('td', { text: c.text, title: c.title });
            }),
          ),
        ),
      );
    });
    var table = el('table', { class: 'data-table metrics', 'data-table': 'metrics' }, [el('caption', { text: t.caption }), thead, tbody]);
    parent.appendChild(el('div', { class: 'table-scroll' }, [table]));
    table.setAttribute('data-drawn', '1');
  }

  function coreTable(parent, t) {
    var head = el(
      'tr',
      null,
      [el('th', { scope: 'col', text: 'CPU' })].concat(
        t.columns.map(function (c) {
          return el('th', { scope: 'col', text: c }, [el('span', { class: 'swatch', style: 'background:' + (CATEGORY_COLORS[c] || 'transparent') })]);
        }),
      ),
    );
    var tbody = el('tbody');
    t.rows.forEach(function (r) {
      tbody.appendChild(
        el(
          'tr',
          null,
          [el('th', { scope: 'row', text: 'cpu' + r.cpu })].concat(
            // Blank below 0.05%: the eye should find the few cells that matter.
            r.pct.map(function (p) {
              return el('td', { text: p < 0.05 ? '·' : fmt(p, 1) });
            }),
          ),
        ),
      );
    });
    var table = el('table', { class: 'data-table cores', 'data-table': 'cpu-cores' }, [el('caption', { text: t.policy }), el('thead', null, [head]), tbody]);
    parent.appendChild(table);
    table.setAttribute('data-drawn', '1');
  }

  /** Destroy the plots drawn into `root` and empty it. */
  function clear(root) {
    (root._swaplabPlots || []).forEach(function (u) {
      u.destroy();
    });
    (root._swaplabObservers || []).forEach(function (o) {
      o.disconnect();
    });
    root._swaplabPlots = [];
    root._swaplabObservers = [];
    root.textContent = '';
  }

  /** Build every section of a report from ReportData into `root`. */
  function renderReport(root, d) {
    clear(root);
    var seedNote = 'Seed ' + d.firstSeed + '.';
    var colorOf = function (policy, i) {
      var k = d.policies.indexOf(policy);
      return policyColor(k >= 0 && d.policyColorIndex ? d.policyColorIndex[k] : i);
    };

    var mem = section(
      root,
      'Free memory',
      'Seed ' + d.firstSeed + ', up to the last change; long runs keep the lowest value of each interval. Dashed: watermarks and the LMKD threshold. Drag to zoom, double-click to reset.',
    );
    lineChart(root, chartBox(mem, 'free-mem'), d.freeMem, { xLabel: 'time (ms)', yLabel: 'free (MiB)', unit: ' MiB', refs: d.freeMemRefs, sync: true, stepped: true, colorOf: colorOf });

    var parked = section(root, 'Parked swap entries', seedNote + ' Swap entries deferred by the policy and not yet freed (sync parks none); long runs keep the highest value of each interval.');
    lineChart(root, chartBox(parked, 'deferred'), d.deferred, { xLabel: 'time (ms)', yLabel: 'entries', unit: '', sync: true, stepped: true, colorOf: colorOf });

    var cpu = section(root, 'CPU occupancy', seedNote + ' Busy share of all CPUs by category, stacked; idle is the gap to 100%.');
    var grid = el('div', { class: 'small-multiples' });
    cpu.appendChild(grid);
    d.cpu.forEach(function (c) {
      cpuStackChart(root, chartBox(grid, 'cpu:' + c.policy, c.policy), c);
    });
    var cores = el('div', { class: 'core-tables' });
    cpu.appendChild(el('h3', { text: 'Per CPU: % of the run in each category (mean over seeds)' }));
    cpu.appendChild(cores);
    d.cpuCores.forEach(function (t) {
      coreTable(cores, t);
    });

    var cdfs = section(root, 'Distributions', 'Pooled over ' + d.seeds.length + ' seed' + (d.seeds.length === 1 ? '' : 's') + ': share of killed processes at or below each time.');
    var pair = el('div', { class: 'pair' });
    cdfs.appendChild(pair);
    lineChart(root, chartBox(pair, 'exit-cdf', 'Exit latency CDF'), d.exitCdf, { xLabel: 'exit latency (ms)', yLabel: '% of processes', unit: '%', stepped: true, yRange: [0, 100], colorOf: colorOf });
    lineChart(root, chartBox(pair, 'release-cdf', 'Memory release CDF'), d.releaseCdf, {
      xLabel: 'memory release (ms)',
      yLabel: '% of processes',
      unit: '%',
      stepped: true,
      yRange: [0, 100],
      colorOf: colorOf,
    });

    var table = section(root, 'Metrics', null);
    metricsTable(table, d.table);
  }

  global.SwaplabCharts = { renderReport: renderReport, clear: clear, policyColor: policyColor };
})(window);
