// Dashboard client (plain browser JS, inlined by src/web/server.ts after
// uPlot and charts.js). Talks to the JSON API: GET /api/schema and
// /api/scenarios (the form), POST /api/command-line (the equivalent
// `swaplab compare`), POST /api/runs, SSE /api/runs/:id/events,
// DELETE /api/runs/:id, GET /api/runs/:id/export (downloads), and draws
// results with the same SwaplabCharts.renderReport as the HTML report.
(function () {
  'use strict';
  var form = document.getElementById('run-form');
  var scenarioSelect = document.getElementById('scenario');
  var description = document.getElementById('scenario-description');
  var policiesBox = document.getElementById('policies');
  var seedsInput = document.getElementById('seeds');
  var fieldsBox = document.getElementById('fields');
  var runButton = document.getElementById('run');
  var cancelButton = document.getElementById('cancel');
  var resetButton = document.getElementById('reset');
  var commandBox = document.getElementById('command');
  var progress = document.getElementById('progress');
  var statusText = document.getElementById('status');
  var alertBox = document.getElementById('alert');
  var downloads = document.getElementById('downloads');
  var results = document.getElementById('results');
  var resultsTitle = document.getElementById('results-title');

  var scenarios = [];
  /** One entry per schema leaf: { path, kind: 'enum'|'boolean'|'number'|'string'|'json', input, label, node }. */
  var fields = [];
  var current = null; // { id, source }

  function showError(message) {
    alertBox.textContent = message;
    alertBox.hidden = false;
  }

  function clearError() {
    alertBox.textContent = '';
    alertBox.hidden = true;
  }

  function el(tag, props, children) {
    var e = document.createElement(tag);
    Object.keys(props || {}).forEach(function (k) {
      if (k === 'text') e.textContent = props[k];
      else if (k === 'className') e.className = props[k];
      else e.setAttribute(k, props[k]);
    });
    (children || []).forEach(function (c) {
      e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return e;
  }

  function option(value) {
    return el('option', { value: String(value), text: String(value) });
  }

  function selectedScenario() {
    return scenarios.find(function (s) {
      return s.name === scenarioSelect.value;
    });
  }

  // ---------------------------------------------------------------------
  // The form, from the JSON Schema

  function isObject(node) {
    return node && node.type === 'object' && node.properties && !node.anyOf;
  }

  function kindOf(node) {
    if (Array.isArray(node.enum)) return 'enum';
    if (node.type === 'boolean') return 'boolean';
    if (node.type === 'number' || node.type === 'integer') return 'number';
    if (node.type === 'string') return 'string';
    return 'json'; // unions (platform, apps.anon_mib) and lists: typed as JSON
  }

  /** "0..1", "> 0, ≤ 600000", "integer ≥ 0": what the schema allows. */
  function rangeText(node) {
    var parts = [];
    var lo = node.minimum !== undefined ? '≥ ' + node.minimum : node.exclusiveMinimum !== undefined ? '> ' + node.exclusiveMinimum : '';
    var hi = node.maximum !== undefined ? '≤ ' + node.maximum : node.exclusiveMaximum !== undefined ? '< ' + node.exclusiveMaximum : '';
    if (node.minimum !== undefined && node.maximum !== undefined) parts.push(node.minimum + '..' + node.maximum);
    else
      [lo, hi].forEach(function (p) {
        if (p) parts.push(p);
      });
    if (node.type === 'integer') parts.unshift('integer');
    return parts.join(', ');
  }

  /** What a JSON field takes, from its union branches or list items. */
  function jsonText(node) {
    var branches = node.anyOf || [node];
    return (
      'JSON: ' +
      branches
        .map(function (b) {
          if (Array.isArray(b.enum))
            return b.enum
              .map(function (v) {
                return JSON.stringify(v);
              })
              .join(' | ');
          if (b.type === 'object') return 'an object {' + Object.keys(b.properties || {}).join(', ') + '}';
          if (b.type === 'array')
            return Array.isArray(b.items)
              ? '[' +
                  b.items
                    .map(function () {
                      return 'n';
                    })
                    .join(', ') +
                  ']'
              : 'a list';
          return b.type === 'number' || b.type === 'integer' ? 'a number' + (rangeText(b) ? ' (' + rangeText(b) + ')' : '') : b.type || 'a value';
        })
        .join(' or ')
    );
  }

  function leaf(name, path, node) {
    var kind = kindOf(node);
    var input;
    if (kind === 'enum') {
      input = el('select');
      node.enum.forEach(function (v) {
        input.appendChild(option(v));
      });
    } else if (kind === 'boolean') {
      input = el('input', { type: 'checkbox' });
    } else if (kind === 'number') {
      input = el('input', { type: 'number', step: node.type === 'integer' ? '1' : 'any' });
      var min = node.minimum !== undefined ? node.minimum : node.exclusiveMinimum;
      var max = node.maximum !== undefined ? node.maximum : node.exclusiveMaximum;
      if (min !== undefined) input.min = String(min);
      if (max !== undefined) input.max = String(max);
    } else {
      input = el('input', { type: 'text', spellcheck: 'false' });
    }
    input.name = path;
    input.setAttribute('data-param', path);
    input.setAttribute('aria-label', path);
    var hints = [];
    var range = kind === 'number' ? rangeText(node) : '';
    // Many descriptions already end in their range ("(MiB, 0..1048576)", "(ms, > 0, <= 600000)"): say it once.
    var bound = node.maximum !== undefined ? node.maximum : node.minimum;
    if (range && !(node.description && bound !== undefined && node.description.indexOf(String(bound)) >= 0)) hints.push(range);
    if (kind === 'json') hints.push(jsonText(node));
    if (node.description) hints.push(node.description);
    var label = el('label', { className: kind === 'boolean' ? 'field check' : 'field', title: path });
    if (kind === 'boolean') {
      label.appendChild(el('span', { className: 'check-row' }, [input, el('span', { text: name })]));
    } else {
      label.appendChild(el('span', { text: name }));
      label.appendChild(input);
    }
    if (hints.length) label.appendChild(el('small', { className: 'hint', text: hints.join(' · ') }));
    fields.push({ path: path, kind: kind, input: input, label: label, node: node });
    return label;
  }

  /**
   * An object's fields, then its nested objects as fieldsets (so scalars sit
   * together). Objects with no fields (policies without options) are left out.
   */
  function objectFields(node, prefix) {
    var box = el('div', { className: 'params' });
    var keys = Object.keys(node.properties);
    var nested = keys.filter(function (k) {
      return isObject(node.properties[k]);
    });
    keys
      .filter(function (k) {
        return nested.indexOf(k) < 0;
      })
      .concat(nested)
      .forEach(function (key) {
        var child = node.properties[key];
        var path = prefix ? prefix + '.' + key : key;
        if (isObject(child)) {
          if (Object.keys(child.properties).length === 0) return;
          var set = el('fieldset', { 'data-group': path }, [el('legend', { text: key, title: child.description || path })]);
          set.appendChild(objectFields(child, path));
          box.appendChild(set);
        } else {
          box.appendChild(leaf(key, path, child));
        }
      });
    return box;
  }

  /**
   * Top level: scalar fields in one group, then one group per object. Groups
   * start closed so the command line under the form stays near; a closed
   * group says how many of its fields are changed.
   */
  function buildForm(schema) {
    var top = { type: 'object', properties: {} };
    var groups = [];
    Object.keys(schema.properties).forEach(function (key) {
      var node = schema.properties[key];
      if (isObject(node)) groups.push([key, node]);
      else top.properties[key] = node;
    });
    groups.unshift(['general', top, '']);
    groups.forEach(function (g) {
      var prefix = g.length > 2 ? g[2] : g[0];
      var details = el('details', { className: 'group', 'data-group': g[0] });
      var names = Object.keys(g[1].properties).join(', ');
      details.appendChild(el('summary', { title: names }, [g[0], el('span', { className: 'count' })]));
      details.appendChild(objectFields(g[1], prefix));
      fieldsBox.appendChild(details);
    });
  }

  function valueAt(obj, path) {
    return path.split('.').reduce(function (v, k) {
      return v === undefined || v === null ? undefined : v[k];
    }, obj);
  }

  /** The value a field holds, typed as the schema wants it; unparsable text goes as typed and the schema says why. */
  function readField(f) {
    var raw = f.input.value;
    if (f.kind === 'boolean') return f.input.checked;
    if (f.kind === 'enum') {
      var hit = f.node.enum.find(function (v) {
        return String(v) === raw;
      });
      return hit === undefined ? raw : hit;
    }
    if (f.kind === 'number') {
      var t = raw.trim();
      return t !== '' && isFinite(Number(t)) ? Number(t) : t;
    }
    if (f.kind === 'json') {
      try {
        return JSON.parse(raw);
      } catch {
        return raw;
      }
    }
    return raw;
  }

  function writeField(f, v) {
    if (f.kind === 'boolean') f.input.checked = v === true;
    else if (f.kind === 'json') f.input.value = v === undefined ? '' : JSON.stringify(v);
    else f.input.value = v === undefined || v === null ? '' : String(v);
  }

  function sameValue(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  /** Fields whose value differs from the scenario's: only these are sent (as --set). */
  function changedFields() {
    var s = selectedScenario();
    var values = (s && s.values) || {};
    var set = {};
    fields.forEach(function (f) {
      var v = readField(f);
      var changed = !sameValue(v, valueAt(values, f.path));
      f.label.classList.toggle('changed', changed);
      if (changed) set[f.path] = v;
    });
    Array.prototype.forEach.call(fieldsBox.querySelectorAll('details.group'), function (d) {
      var n = d.querySelectorAll('.field.changed').length;
      d.querySelector('summary .count').textContent = n ? n + ' changed' : '';
    });
    return set;
  }

  /** Show the scenario's own values, so only what the user changes is sent as --set. */
  function fillValues() {
    var s = selectedScenario();
    description.textContent = s ? s.description : '';
    var values = (s && s.values) || {};
    fields.forEach(function (f) {
      writeField(f, valueAt(values, f.path));
    });
    if (s && !s.values) showError('Scenario ' + s.name + ' does not load; run `swaplab validate` to see why.');
    updateCommand();
  }

  // ---------------------------------------------------------------------
  // Request, command line, run

  function collect() {
    var s = selectedScenario();
    if (!s) throw new Error('Pick a scenario.');
    var set = changedFields();
    var policies = Array.prototype.slice.call(policiesBox.querySelectorAll('input:checked')).map(function (c) {
      return c.value;
    });
    if (policies.length === 0) throw new Error('Choose at least one policy.');
    var n = Number(seedsInput.value);
    if (!Number.isInteger(n) || n < 1 || n > 500) throw new Error('seeds: expected a whole number from 1 to 500.');
    var seeds = [];
    for (var i = 1; i <= n; i++) seeds.push(i);
    return { scenario: s.name, set: set, policies: policies, seeds: seeds };
  }

  var commandTimer = null;
  var commandSeq = 0;

  function showCommand(text, isError) {
    commandBox.textContent = text;
    commandBox.setAttribute('data-state', isError ? 'error' : 'ok');
  }

  /** Ask the server for the command (it quotes it as the CLI reads it back); the latest request wins. */
  function updateCommand() {
    clearTimeout(commandTimer);
    commandTimer = setTimeout(async function () {
      var seq = ++commandSeq;
      var body;
      try {
        body = collect();
      } catch (e) {
        showCommand(e.message, true);
        return;
      }
      try {
        var res = await fetch('/api/command-line', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        var json = await res.json().catch(function () {
          return {};
        });
        if (seq !== commandSeq) return;
        if (res.ok) showCommand(json.command, false);
        else showCommand(json.error || 'HTTP ' + res.status, true);
      } catch (e) {
        if (seq === commandSeq) showCommand('Cannot reach the swaplab server: ' + e.message, true);
      }
    }, 120);
  }

  function setRunning(on) {
    runButton.disabled = on;
    cancelButton.disabled = !on;
    progress.hidden = !on;
    if (on) {
      progress.value = 0;
      progress.max = 1;
    }
  }

  async function start(event) {
    event.preventDefault();
    clearError();
    var body;
    try {
      body = collect();
    } catch (e) {
      showError(e.message);
      return;
    }
    setRunning(true);
    statusText.textContent = 'Starting…';
    var res, json;
    try {
      res = await fetch('/api/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      json = await res.json().catch(function () {
        return {};
      });
    } catch (e) {
      setRunning(false);
      statusText.textContent = '';
      showError('Cannot reach the swaplab server: ' + e.message);
      return;
    }
    if (!res.ok) {
      setRunning(false);
      statusText.textContent = '';
      showError(json.error || 'Request failed (HTTP ' + res.status + ')');
      return;
    }
    // Old charts and downloads go only once the new run is accepted: a typo keeps them on screen.
    SwaplabCharts.clear(results);
    resultsTitle.textContent = '';
    downloads.hidden = true;
    listen(json.id, body);
  }

  function offerDownloads(id, scenario) {
    ['csv', 'json'].forEach(function (format) {
      var a = document.getElementById('download-' + format);
      a.href = '/api/runs/' + encodeURIComponent(id) + '/export?format=' + format;
      a.setAttribute('download', 'swaplab-' + scenario + '-' + id.slice(0, 8) + '.' + format);
    });
    downloads.hidden = false;
  }

  function listen(id, body) {
    var source = new EventSource('/api/runs/' + encodeURIComponent(id) + '/events');
    current = { id: id, source: source };
    source.onmessage = function (m) {
      var ev = JSON.parse(m.data);
      if ('done' in ev) {
        progress.max = Math.max(1, ev.total);
        progress.value = ev.done;
        statusText.textContent = ev.done + ' / ' + ev.total + ' runs';
        return;
      }
      source.close();
      current = null;
      setRunning(false);
      if (ev.result) {
        statusText.textContent = 'Done: ' + ev.result.records.length + ' runs.';
        resultsTitle.textContent = body.scenario + ': ' + body.policies.join(' vs ') + ', seeds 1–' + body.seeds.length;
        SwaplabCharts.renderReport(results, ev.result.report);
        offerDownloads(id, body.scenario);
      } else if (ev.cancelled) {
        statusText.textContent = 'Cancelled.';
      } else {
        statusText.textContent = '';
        showError(ev.error || 'The run failed.');
      }
    };
    // EventSource reconnects by itself; the server replays the current state.
    source.onerror = function () {
      if (current && current.source === source) statusText.textContent = 'Connection lost, retrying…';
    };
  }

  async function cancel() {
    if (!current) return;
    cancelButton.disabled = true;
    statusText.textContent = 'Cancelling…';
    try {
      var res = await fetch('/api/runs/' + encodeURIComponent(current.id), { method: 'DELETE' });
      if (!res.ok) showError('Cancel failed (HTTP ' + res.status + ')');
    } catch (e) {
      showError('Cannot reach the swaplab server: ' + e.message);
    }
  }

  function addPolicies(policies) {
    policies.forEach(function (p, i) {
      var box = el('input', { type: 'checkbox', name: 'policy', value: p.name });
      box.checked = i < 2; // the baseline and one alternative: the usual comparison
      var swatch = el('span', { className: 'swatch-line' });
      swatch.style.background = SwaplabCharts.policyColor(i);
      policiesBox.appendChild(el('label', { title: p.summary }, [box, ' ', swatch, p.name]));
      policiesBox.appendChild(el('small', { className: 'summary', text: p.summary }));
    });
  }

  async function getJson(url) {
    var res = await fetch(url);
    if (!res.ok) throw new Error('GET ' + url + ': HTTP ' + res.status);
    return res.json();
  }

  async function init() {
    var loaded = await Promise.all([getJson('/api/schema'), getJson('/api/scenarios')]);
    var data = loaded[1];
    scenarios = data.scenarios;
    scenarios.forEach(function (s) {
      scenarioSelect.appendChild(option(s.name));
    });
    buildForm(loaded[0]);
    addPolicies(data.policies);
    fillValues();
    scenarioSelect.addEventListener('change', function () {
      clearError();
      fillValues();
    });
    form.addEventListener('input', updateCommand);
    form.addEventListener('change', updateCommand);
    form.addEventListener('submit', start);
    cancelButton.addEventListener('click', cancel);
    resetButton.addEventListener('click', fillValues);
    document.body.setAttribute('data-ready', '1');
  }

  init().catch(function (e) {
    showError('Could not load the dashboard: ' + e.message);
  });
})();
