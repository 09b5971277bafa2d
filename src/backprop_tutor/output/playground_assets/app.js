/* What the parts of the playground share: the page's data, the one network, and news of a change.
 *
 * One network is shared by everything: the network file as data (toml.js).
 * Step mode (step.js) works its SGD step; train mode (train.js) trains it and
 * writes the trained weights back; so step mode and the exported file always
 * show the network as it is now. Whoever changes it calls app.changed(how),
 * and every part shows it anew.
 */
"use strict";

var BackpropApp = (function () {
  var data = JSON.parse(document.getElementById("playground-data").textContent);
  var W = BackpropWorksheet;
  W.use(data.registry);

  var app = {
    data: data,
    registry: data.registry,
    network: data.network,   // the network file as data: {inputs, targets, learning_rate, loss, layers}
    listeners: [],           // called with how the network changed

    /* how: "shape" (a new network), "numbers" (its numbers or choices), "edit" (typed in the
     * editor), "trained" (weights changed by training, which goes on). */
    changed: function (how) { app.listeners.forEach(function (listen) { listen(how); }); },

    $: function (id) { return document.getElementById(id); },

    element: function (tag, attributes, text) {
      var node = document.createElement(tag);
      Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
      if (text !== undefined) node.textContent = text;
      return node;
    },

    copy: function (value) { return JSON.parse(JSON.stringify(value)); },

    /* Where each given number lives in the network: name → [array or object, index or key]. */
    slots: function (network) {
      var sizes = W.sizes(network), units = W.unitNames(sizes), weights = W.weightNames(sizes);
      var found = { eta: [network, "learning_rate"] };
      network.inputs.forEach(function (_, k) { found[units[0][k]] = [network.inputs, k]; });
      network.targets.forEach(function (_, k) { found["t" + (k + 1)] = [network.targets, k]; });
      network.layers.forEach(function (layer, l) {
        layer.weights.forEach(function (row, r) {
          row.forEach(function (_, c) { found[weights[l][r][c]] = [row, c]; });
        });
        if (layer.biases) layer.biases.forEach(function (_, r) { found["b_" + units[l + 1][r]] = [layer.biases, r]; });
      });
      return found;
    },

    /* The weights and biases by name, as `train --format json` lists them under "values". */
    parameters: function (network) {
      var values = W.given(network);
      Object.keys(values).forEach(function (name) {
        if (!/^(w\d+|b_.*)$/.test(name)) delete values[name];
      });
      return values;
    },
  };
  return app;
})();
