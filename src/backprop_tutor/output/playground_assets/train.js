/* Train mode: the network trained on a data set (network.js), its decision boundary, its loss
 * curves and the length of each layer's gradient drawn as it learns (drawing.js). */
"use strict";

(function (app) {
  var W = BackpropWorksheet, N = BackpropNetwork, $ = app.$, data = app.data, registry = app.registry;
  var state = {
    trainer: null,   // the run of the current settings, made when first needed
    start: null,     // the weights it started from
    running: false,
  };

  function chosenData() {
    var name = $("dataset").value;
    if (name === "csv") return BackpropData.readCsv($("csv").value, data.limits.outputs);
    var sets = data.datasets[name];
    return sets[$("data-seed").value] || sets["0"];
  }

  function batchSize(text) {
    text = String(text).trim();
    if (text === "full") return null;
    if (!/^\d+$/.test(text) || Number(text) < 1) throw new Error("batch size: full or a whole number ≥ 1; got " + JSON.stringify(text));
    return Number(text);
  }

  /* A new network of the chosen shape for the data, weights drawn from the chosen seed. */
  function newNetwork(rows) {
    var layers = Math.min(data.limits.hidden_layers, Math.max(0, Math.round(Number($("hidden-layers").value) || 0)));
    var units = Math.min(data.limits.units, Math.max(1, Math.round(Number($("hidden-units").value) || 1)));
    var sizes = [rows.X[0].length], activations = [];
    for (var l = 0; l < layers; l++) { sizes.push(units); activations.push($("hidden-activation").value); }
    sizes.push(rows.T[0].length);
    activations.push($("output-activation").value);
    app.network = {
      title: "Playground network (" + sizes.join("-") + ")", description: "",
      inputs: rows.X[0].slice(), targets: rows.T[0].slice(),
      learning_rate: app.network.learning_rate, loss: app.network.loss,
      layers: N.initialised(sizes, activations, Number($("weight-seed").value) || 0),
    };
    app.changed("shape");
  }

  function fits(network, rows) {
    var sizes = W.sizes(network);
    return sizes[0] === rows.X[0].length && sizes[sizes.length - 1] === rows.T[0].length;
  }

  /* The trainer of the current settings, made when first needed after a change. */
  function trainer() {
    if (state.trainer) return state.trainer;
    var rows = chosenData();
    if (!fits(app.network, rows)) newNetwork(rows);
    state.start = app.copy(app.network.layers);
    state.trainer = new N.Trainer(new N.Network(app.network, registry), rows, {
      eta: app.network.learning_rate, epochs: Math.max(1, Math.round(Number($("epochs").value) || 1)),
      batchSize: batchSize($("batch").value) });
    return state.trainer;
  }

  /* The trained weights back into the network file. */
  function keep(network) {
    network.layers.forEach(function (layer, l) {
      app.network.layers[l].weights = layer.W.map(function (row) { return row.slice(); });
      if (layer.b) app.network.layers[l].biases = layer.b.slice();
    });
  }

  var COLOUR_NAMES = ["blue", "red", "green", "pink", "sky blue"];   // BackpropDrawing.colours

  function drawTrain() {
    var t = state.trainer, rows, colours = BackpropDrawing.colours;
    try { rows = t ? t.data : chosenData(); } catch (error) { $("train-status").textContent = error.message; return; }
    var network = t ? t.network : new N.Network(app.network, registry), layers = network.layers;
    var plane = rows.X[0].length === 2 && rows.T[0].length === 1 && fits(app.network, rows);
    BackpropDrawing.boundary($("boundary"), plane && function (grid) { return network.predict(grid); },
                             rows, BackpropData.box(rows));
    $("boundary").setAttribute("aria-label", plane ? "The network's output over the plane of i1 and i2, with the data"
      : "No picture: the decision boundary is drawn for 2 inputs and 1 output");
    var epochs = t ? t.epochs : Number($("epochs").value) || 1;
    var series = t ? [{ values: t.loss, colour: colours[0] }] : [];
    if (t && t.valLoss) series.push({ values: t.valLoss, colour: colours[1], dashed: true });
    BackpropDrawing.curves($("loss-chart"), series, epochs);
    BackpropDrawing.curves($("norm-chart"), !t ? [] : layers.map(function (_, l) {
      return { values: t.gradientNorms.map(function (n) { return n[l]; }), colour: colours[l % colours.length] };
    }), epochs);
    $("norm-caption").textContent = "Length of each layer's gradient ‖∂E/∂W‖ per epoch (log scale): "
      + layers.map(function (_, l) { return "layer " + (l + 1) + " " + COLOUR_NAMES[l % 5]; }).join(", ") + ".";
    var last = t ? t.loss.length - 1 : null;
    $("train-status").textContent = last === null ? "Ready: Run or One epoch." :
      "Epoch " + last + " of " + t.epochs + ": training loss " + W.formatNumber(t.loss[last])
      + (t.valLoss ? ", validation loss " + W.formatNumber(t.valLoss[last]) : "")
      + (t.divergedAt !== null ? ". Diverged: the loss is not finite or a million times its start." : t.done ? ". Done." : "");
    $("loss-chart").setAttribute("aria-label", $("train-status").textContent);
  }

  /* Train up to `count` epochs, and fewer when they take longer than `budget` milliseconds
   * (at least one): a slow phone then trains fewer epochs per frame, not fewer frames. */
  function trainEpochs(count, budget) {
    try {
      var t = trainer(), start = performance.now();
      for (var k = 0; k < count && !t.done && (k === 0 || !budget || performance.now() - start < budget); k++) t.next();
      keep(t.network);
      if (t.done) setRunning(false);
    } catch (error) {
      setRunning(false);
      $("train-status").textContent = error.message;
      return;
    }
    drawTrain();
  }

  function setRunning(running) {
    state.running = running;
    $("run").textContent = running ? "Pause" : "Run";
    $("train-status").setAttribute("aria-busy", String(running));   // read out when it stops
    if (running) requestAnimationFrame(frame);
  }

  var FRAME_BUDGET = 12;   // ms of training in a frame of 33 ms (30 frames/s), leaving time to draw

  function frame() {
    if (!state.running) return;
    trainEpochs(Number($("speed").value), FRAME_BUDGET);
    if (state.running) requestAnimationFrame(frame);
  }

  function settingsChanged() {
    setRunning(false);
    state.trainer = null;
    if (!$("train-mode").hidden) drawTrain();   // (it is drawn when it is shown)
  }

  function fillTrainSettings() {
    var layers = app.network.layers;
    $("hidden-layers").value = layers.length - 1;
    $("hidden-units").value = layers.length > 1 ? layers[0].weights.length : 8;
    $("hidden-activation").value = layers.length > 1 ? layers[0].activation : "tanh";
    $("output-activation").value = layers[layers.length - 1].activation;
    $("train-eta").value = String(app.network.learning_rate);
    $("train-loss").value = app.network.loss;
  }

  $("run").addEventListener("click", function () { setRunning(!state.running); });
  $("one-epoch").addEventListener("click", function () { setRunning(false); trainEpochs(1); });
  $("restart").addEventListener("click", function () {
    if (state.start) app.network.layers = app.copy(state.start);
    app.changed("numbers");
  });
  $("new-network").addEventListener("click", function () {
    try { newNetwork(chosenData()); } catch (error) { $("train-status").textContent = error.message; }
  });
  ["hidden-layers", "hidden-units"].forEach(function (id) {
    $(id).addEventListener("change", function () { $("new-network").click(); });
  });
  $("hidden-activation").addEventListener("change", function () {
    app.network.layers.slice(0, -1).forEach(function (layer) { layer.activation = $("hidden-activation").value; });
    app.changed("numbers");
  });
  $("output-activation").addEventListener("change", function () {
    app.network.layers[app.network.layers.length - 1].activation = $("output-activation").value;
    app.changed("numbers");
  });
  $("train-eta").addEventListener("change", function () {
    var value = Number($("train-eta").value);
    $("train-eta").setAttribute("aria-invalid", String(!(value > 0 && isFinite(value))));
    if (value > 0 && isFinite(value)) { app.network.learning_rate = value; app.changed("numbers"); }
  });
  $("train-loss").addEventListener("change", function () { app.network.loss = $("train-loss").value; app.changed("numbers"); });
  $("dataset").addEventListener("change", function () { $("csv-box").hidden = $("dataset").value !== "csv"; settingsChanged(); });
  ["data-seed", "csv", "batch", "epochs"].forEach(function (id) { $(id).addEventListener("change", settingsChanged); });

  app.listeners.push(function (how) {
    if (how === "trained") return;             // news from here: the run goes on
    if (how === "shape") state.start = null;   // "Back to the starting weights" of another network: no
    fillTrainSettings();
    settingsChanged();
  });

  /* Train on a CSV's rows in order, as `train FILE --data CSV --batch-size B --epochs N`. */
  app.train = function (options) {
    setRunning(false);
    var rows = BackpropData.readCsv(options.data, data.limits.outputs);
    if (!fits(app.network, rows)) throw new Error("the CSV's columns do not fit the network's inputs and outputs");
    var network = new N.Network(app.network, registry);
    var result = new N.Trainer(network, rows, { eta: app.network.learning_rate, epochs: options.epochs,
      batchSize: options.batch === undefined ? null : batchSize(options.batch) }).run();
    keep(network);
    app.changed("numbers");
    return result;
  };
  app.showTraining = function (shown) { if (shown) drawTrain(); else setRunning(false); };
})(BackpropApp);
