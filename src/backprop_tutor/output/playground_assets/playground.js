/* The playground page: the network file, the two modes, and window.playground for scripts.
 * Step mode is step.js, train mode train.js; what they share is app.js. */
"use strict";

(function (app) {
  var W = BackpropWorksheet, $ = app.$;

  function load(text) {
    app.network = BackpropToml.read(text, app.registry);
    app.changed("shape");
  }

  function exportToml() { return BackpropToml.write(app.network); }

  $("load").addEventListener("click", function () {
    try { load($("toml").value); $("file-status").textContent = "Loaded."; }
    catch (error) { $("file-status").textContent = "Not loaded: " + error.message; }
  });
  $("export").addEventListener("click", function () {
    var text = exportToml();
    $("toml").value = text;
    $("download").href = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
    $("download").hidden = false;
    $("file-status").textContent = "The current network is in the box; Download saves it.";
  });
  $("open").addEventListener("change", function () {
    var file = $("open").files[0];
    if (!file) return;
    file.text().then(function (text) { $("toml").value = text; $("load").click(); });
  });
  $("download").hidden = true;
  $("toml").value = BackpropToml.write(app.network);

  function mode(train) {
    $("mode-step").setAttribute("aria-pressed", String(!train));
    $("mode-train").setAttribute("aria-pressed", String(train));
    $("step-mode").hidden = train;
    $("train-mode").hidden = !train;
    app.showTraining(train);
    if (!train) app.changed("trained");   // step mode shows the weights as trained
  }
  $("mode-step").addEventListener("click", function () { mode(false); });
  $("mode-train").addEventListener("click", function () { mode(true); });
  app.listeners.push(function () { $("network-title").textContent = app.network.title || "Network"; });
  app.changed("shape");

  /* For scripts and tests: the same network as the page shows. */
  window.playground = {
    load: load,
    values: function () { return W.solve(app.network).values; },   // every quantity by its name
    step: app.step,                                                 // take the step; returns its values
    exportToml: exportToml,
    /* Train on a CSV's rows in order ({data: csvText, batch: "full" or N, epochs}); returns what
     * `train --format json` prints: loss (before each epoch), final_loss, diverged_at, and
     * values (the weights and biases after). */
    train: function (options) {
      var result = app.train(options);
      result.values = app.parameters(app.network);
      return result;
    },
  };
})(BackpropApp);
