// Draws a saved HTML report from the JSON inlined in it (src/report/html.ts).
// Plain browser JS; charts.js and uPlot are inlined before this script.
(function () {
  'use strict';
  var alertBox = document.querySelector('[role="alert"]');
  try {
    var data = JSON.parse(document.getElementById('swaplab-data').textContent);
    SwaplabCharts.renderReport(document.getElementById('results'), data);
  } catch (e) {
    alertBox.hidden = false;
    alertBox.textContent = 'Could not draw the report: ' + (e && e.message ? e.message : String(e));
    throw e; // also to the console, where tests and developers look
  }
})();
