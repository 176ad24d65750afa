// Dashboard client (plain browser JS, inlined by src/web/server.ts after
// uPlot and charts.js). Talks to the JSON API: GET /api/scenarios,
// POST /api/runs, SSE /api/runs/:id/events, DELETE /api/runs/:id, and draws
// results with the same SwaplabCharts.renderReport as the HTML report.
(function () {
  'use strict';
  var form = document.getElementById('run-form');
  var scenarioSelect = document.getElementById('scenario');
  var description = document.getElementById('scenario-description');
  var policiesBox = document.getElementById('policies');
  var seedsInput = document.getElementById('seeds');
  var runButton = document.getElementById('run');
  var cancelButton = document.getElementById('cancel');
  var progress = document.getElementById('progress');
  var statusText = document.getElementById('status');
  var alertBox = document.getElementById('alert');
  var results = document.getElementById('results');
  var resultsTitle = document.getElementById('results-title');
  var paramInputs = Array.prototype.slice.call(document.querySelectorAll('[data-param]'));

  var scenarios = [];
  var current = null; // { id, source }

  function showError(message) {
    alertBox.textContent = message;
    alertBox.hidden = false;
  }

  function clearError() {
    alertBox.textContent = '';
    alertBox.hidden = true;
  }

  function option(value) {
    var o = document.createElement('option');
    o.value = value;
    o.textContent = value;
    return o;
  }

  function selectedScenario() {
    return scenarios.find(function (s) { return s.name === scenarioSelect.value; });
  }

  /** Show the scenario's own values, so only what the user changes is sent as --set. */
  function fillParams() {
    var s = selectedScenario();
    description.textContent = s ? s.description : '';
    paramInputs.forEach(function (input) {
      var v = s && s.params[input.dataset.param];
      input.value = v === undefined || v === null ? '' : String(v);
    });
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

  function collect() {
    var s = selectedScenario();
    if (!s) throw new Error('Pick a scenario.');
    var set = {};
    paramInputs.forEach(function (input) {
      var path = input.dataset.param;
      var raw = input.value.trim();
      // Numbers go as numbers; anything unparsable goes as typed and the schema says why.
      var value = input.type === 'number' && raw !== '' && isFinite(Number(raw)) ? Number(raw) : raw;
      if (String(value) !== String(s.params[path])) set[path] = value;
    });
    var policies = Array.prototype.slice
      .call(policiesBox.querySelectorAll('input:checked'))
      .map(function (c) { return c.value; });
    if (policies.length === 0) throw new Error('Choose at least one policy.');
    var n = Number(seedsInput.value);
    if (!Number.isInteger(n) || n < 1 || n > 500) throw new Error('seeds: expected a whole number from 1 to 500.');
    var seeds = [];
    for (var i = 1; i <= n; i++) seeds.push(i);
    return { scenario: s.name, set: set, policies: policies, seeds: seeds };
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
      json = await res.json().catch(function () { return {}; });
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
    // Old charts go only once the new run is accepted: a typo keeps them on screen.
    SwaplabCharts.clear(results);
    resultsTitle.textContent = '';
    listen(json.id, body);
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

  async function init() {
    var res = await fetch('/api/scenarios');
    if (!res.ok) throw new Error('GET /api/scenarios: HTTP ' + res.status);
    var data = await res.json();
    scenarios = data.scenarios;
    scenarios.forEach(function (s) { scenarioSelect.appendChild(option(s.name)); });
    paramInputs.forEach(function (input) {
      var choices = data.choices[input.dataset.param];
      if (input.tagName === 'SELECT' && choices) choices.forEach(function (c) { input.appendChild(option(c)); });
    });
    data.policies.forEach(function (p, i) {
      var box = document.createElement('input');
      box.type = 'checkbox';
      box.name = 'policy';
      box.value = p;
      box.checked = i < 2; // the baseline and one alternative: the usual comparison
      var swatch = document.createElement('span');
      swatch.className = 'swatch-line';
      swatch.style.background = SwaplabCharts.policyColor(i);
      var label = document.createElement('label');
      label.appendChild(box);
      label.appendChild(document.createTextNode(' '));
      label.appendChild(swatch);
      label.appendChild(document.createTextNode(p));
      policiesBox.appendChild(label);
    });
    fillParams();
    scenarioSelect.addEventListener('change', fillParams);
    form.addEventListener('submit', start);
    cancelButton.addEventListener('click', cancel);
    document.body.setAttribute('data-ready', '1');
  }

  init().catch(function (e) { showError('Could not load the dashboard: ' + e.message); });
})();
