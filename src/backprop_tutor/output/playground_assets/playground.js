/* The playground page: step mode, train mode, the network file, and window.playground for scripts.
 *
 * One network is shared by everything: the network file as data (toml.js).
 * Step mode works its SGD step (worksheet.js); train mode trains it
 * (network.js) and writes the trained weights back, so step mode and the
 * exported file always show the network as it is now.
 */
"use strict";

(function () {
  var data = JSON.parse(document.getElementById("playground-data").textContent);
  var registry = data.registry, W = BackpropWorksheet, N = BackpropNetwork;
  W.use(registry);
  var state = {
    network: data.network,   // the network file as data
    sheet: null,             // its worked step: {given, lines, values}
    cursor: null,            // index of the line being shown, or null: every line
    trainer: null, start: null, running: false,
  };

  function $(id) { return document.getElementById(id); }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function copy(value) { return JSON.parse(JSON.stringify(value)); }

  /* ------------------------------------------------------------ the network's numbers by name */

  /* Where each given number lives in the network: name → [array, index]. */
  function slots(network) {
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
  }

  function parameters(network) {
    var values = W.given(network);
    Object.keys(values).forEach(function (name) {
      if (!/^(w\d+|b_.*)$/.test(name)) delete values[name];
    });
    return values;
  }

  /* ------------------------------------------------------------ step mode */

  function solve() {
    state.sheet = W.solve(state.network);
    if (state.cursor !== null && state.cursor >= state.sheet.lines.length) state.cursor = null;
    drawStep();
  }

  function shown(name) {
    if (!state.sheet.values.hasOwnProperty(name)) return false;
    if (state.cursor === null || state.sheet.given.hasOwnProperty(name)) return true;
    return state.sheet.lines.findIndex(function (l) { return l.name === name; }) <= state.cursor;
  }

  function drawStep() {
    var sheet = state.sheet, line = state.cursor === null ? null : sheet.lines[state.cursor];
    var picture = BackpropDrawing.network(state.network, shown, function (name) {
      return W.formatNumber(sheet.values[name]);
    });
    if (line) {   // the quantity being worked out, and the numbers it is worked from
      var reads = BackpropFormulas.tokens(line.formula);
      picture.querySelectorAll("[data-name]").forEach(function (node) {
        var name = node.getAttribute("data-name");
        if (name === line.name) node.classList.add("current");
        else if (reads.indexOf(name) >= 0) node.classList.add("reads");
      });
    }
    $("drawing").replaceChildren(picture);
    $("drawing-caption").textContent = (state.network.title || "Network") + ": "
      + W.sizes(state.network).join("-") + " network, " + state.network.loss + " loss, η = "
      + W.formatNumber(state.network.learning_rate) + ", E = " + W.formatNumber(sheet.values.E)
      + (line ? "; now " + line.name : "; every quantity shown");
    var panel = $("formula");
    panel.replaceChildren();
    if (line) {
      panel.appendChild(element("div", { class: "formula" }, line.name + " = " + W.text(line.formula)));
      panel.appendChild(element("div", { class: "formula" }, "= " + W.text(line.formula, sheet.values)));
      panel.appendChild(element("div", { class: "formula value" }, "= " + W.formatNumber(line.value)));
    } else {
      panel.textContent = "Every quantity of the step is shown. Pick a part of the step, or Next, "
        + "to work through it line by line.";
    }
    var section = line ? line.section : null, body = $("lines").tBodies[0];
    $("lines-caption").textContent = section ? registry.sections[section] : "Every quantity of the step";
    body.replaceChildren();
    sheet.lines.forEach(function (l, k) {
      if (section && l.section !== section) return;
      var later = state.cursor !== null && k > state.cursor;
      var row = element("tr", k === state.cursor ? { class: "current", "aria-current": "true" } : {});
      row.appendChild(element("th", { scope: "row" }, l.name));
      row.appendChild(element("td", { class: "formula" }, W.text(l.formula)));
      row.appendChild(element("td", { class: "formula" }, later ? "" : W.text(l.formula, sheet.values)));
      row.appendChild(element("td", { class: "number" }, later ? "?" : W.formatNumber(l.value)));
      body.appendChild(row);
    });
  }

  function moveTo(cursor) { state.cursor = cursor; drawStep(); }

  /* The editor: one labelled box per given number, and a choice of activation per layer. */
  function buildEditor() {
    var network = state.network, sizes = W.sizes(network), units = W.unitNames(sizes);
    var weights = W.weightNames(sizes), box = $("editor-fields");
    box.replaceChildren();
    function field(parent, name, label) {
      var wrap = element("div", { class: "field" });
      wrap.appendChild(element("label", { for: "edit-" + name }, label || name));
      wrap.appendChild(element("input", { type: "number", step: "any", id: "edit-" + name,
                                          "data-name": name, inputmode: "decimal" }));
      parent.appendChild(wrap);
    }
    function group(legend) {
      var set = element("fieldset");
      set.appendChild(element("legend", {}, legend));
      box.appendChild(set);
      return set;
    }
    var general = group("Learning rate and loss");
    field(general, "eta", "η (eta)");
    var wrap = element("div", { class: "field" }), loss = element("select", { id: "edit-loss" });
    Object.keys(registry.losses).forEach(function (name) { loss.appendChild(element("option", { value: name }, name)); });
    wrap.appendChild(element("label", { for: "edit-loss" }, "Loss"));
    wrap.appendChild(loss);
    general.appendChild(wrap);
    var sample = group("The sample: inputs and targets");
    units[0].forEach(function (name) { field(sample, name); });
    network.targets.forEach(function (_, k) { field(sample, "t" + (k + 1)); });
    network.layers.forEach(function (layer, l) {
      var last = l === network.layers.length - 1, set = group((last ? "Output layer " : "Hidden layer ")
        + units[l + 1][0] + (units[l + 1].length > 1 ? "–" + units[l + 1][units[l + 1].length - 1] : ""));
      var choose = element("div", { class: "field" });
      var select = element("select", { id: "edit-activation-" + l, "data-layer": l });
      Object.keys(registry.activations).forEach(function (name) {
        select.appendChild(element("option", { value: name }, name));
      });
      choose.appendChild(element("label", { for: select.id }, "Activation"));
      choose.appendChild(select);
      set.appendChild(choose);
      units[l + 1].forEach(function (unit, r) {
        weights[l][r].forEach(function (name, c) { field(set, name, name + " (" + units[l][c] + "→" + unit + ")"); });
        if (layer.biases) field(set, "b_" + unit);
      });
    });
    fillEditor();
  }

  function fillEditor() {
    var values = W.given(state.network);
    $("editor-fields").querySelectorAll("input[data-name]").forEach(function (input) {
      input.value = String(values[input.getAttribute("data-name")]);
      input.removeAttribute("aria-invalid");
    });
    $("edit-loss").value = state.network.loss;
    state.network.layers.forEach(function (layer, l) { $("edit-activation-" + l).value = layer.activation; });
  }

  $("editor").addEventListener("input", function (event) {
    var target = event.target, name = target.getAttribute("data-name");
    if (target.id === "edit-loss") state.network.loss = target.value;
    else if (target.hasAttribute("data-layer")) state.network.layers[target.getAttribute("data-layer")].activation = target.value;
    else if (name) {
      var value = target.value.trim() === "" ? NaN : Number(target.value);
      var valid = isFinite(value) && !(name === "eta" && value <= 0);
      target.setAttribute("aria-invalid", String(!valid));
      if (!valid) return;
      var slot = slots(state.network)[name];
      slot[0][slot[1]] = value;
    }
    changed(false);
  });
  $("editor").addEventListener("submit", function (event) { event.preventDefault(); });

  /* Take the step: every weight and bias becomes its new value. Returns the step taken. */
  function step() {
    var values = W.solve(state.network).values, found = slots(state.network);
    Object.keys(found).forEach(function (name) {
      if (values.hasOwnProperty(name + "_new")) found[name][0][found[name][1]] = values[name + "_new"];
    });
    changed(false);
    return values;
  }

  /* ------------------------------------------------------------ train mode */

  /* A pasted data set, read as datasets.read_csv reads a file: header i1,...,t1,..., then numbers. */
  function readCsv(text) {
    var rows = text.split(/\r?\n/).map(function (line) { return line === "" ? [] : line.split(","); });
    var header = (rows[0] || []).map(function (name) { return name.trim(); });
    var inputs = header.filter(function (name) { return name[0] === "i"; }).length;
    var expected = header.map(function (_, k) { return k < inputs ? "i" + (k + 1) : "t" + (k - inputs + 1); });
    if (!header.length || header.join() !== expected.join() || !inputs || inputs === header.length)
      throw new Error("CSV header: expected i1,...,t1,... (inputs, then targets); got " + JSON.stringify(header.join(",")));
    var X = [], T = [];
    rows.slice(1).forEach(function (row, k) {
      if (!row.length) return;
      if (row.length !== header.length) throw new Error("CSV line " + (k + 2) + ": expected " + header.length + " values, got " + row.length);
      var numbers = row.map(function (text, c) {
        var value = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(text) ? Number(text) : NaN;
        if (!isFinite(value)) throw new Error("CSV line " + (k + 2) + ", " + header[c] + ": expected a finite number, got " + JSON.stringify(text));
        return value;
      });
      X.push(numbers.slice(0, inputs));
      T.push(numbers.slice(inputs));
    });
    if (!X.length) throw new Error("CSV: no samples after the header");
    if (T[0].length > data.limits.outputs) throw new Error("CSV: at most " + data.limits.outputs + " targets");
    return { X: X, T: T, validation: null };
  }

  function chosenData() {
    var name = $("dataset").value;
    if (name === "csv") return readCsv($("csv").value);
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
    state.network = {
      title: "Playground network (" + sizes.join("-") + ")", description: "",
      inputs: rows.X[0].slice(), targets: rows.T[0].slice(),
      learning_rate: state.network.learning_rate, loss: state.network.loss,
      layers: N.initialised(sizes, activations, state.network.loss, Number($("weight-seed").value) || 0),
    };
    changed(true);
  }

  function fits(network, rows) {
    var sizes = W.sizes(network);
    return sizes[0] === rows.X[0].length && sizes[sizes.length - 1] === rows.T[0].length;
  }

  /* The trainer of the current settings, made when first needed after a change. */
  function trainer() {
    if (state.trainer) return state.trainer;
    var rows = chosenData();
    if (!fits(state.network, rows)) newNetwork(rows);
    state.start = copy(state.network.layers);
    state.trainer = new N.Trainer(new N.Network(state.network, registry), rows, {
      eta: state.network.learning_rate, epochs: Math.max(1, Math.round(Number($("epochs").value) || 1)),
      batchSize: batchSize($("batch").value) });
    return state.trainer;
  }

  /* The trained weights back into the network file. */
  function keep(network) {
    network.layers.forEach(function (layer, l) {
      state.network.layers[l].weights = layer.W.map(function (row) { return row.slice(); });
      if (layer.b) state.network.layers[l].biases = layer.b.slice();
    });
  }

  function drawTrain() {
    var t = state.trainer, rows;
    try { rows = chosenData(); } catch (error) { $("train-status").textContent = error.message; return; }
    var sizes = W.sizes(state.network), network = new N.Network(state.network, registry);
    if (rows.X[0].length === 2 && rows.T[0].length === 1 && fits(state.network, rows)) {
      var all = rows.X.concat(rows.validation ? rows.validation.X : []), box = { x0: Infinity, x1: -Infinity, y0: Infinity, y1: -Infinity };
      all.forEach(function (x) {
        box.x0 = Math.min(box.x0, x[0]); box.x1 = Math.max(box.x1, x[0]);
        box.y0 = Math.min(box.y0, x[1]); box.y1 = Math.max(box.y1, x[1]);
      });
      var mx = 0.15 * (box.x1 - box.x0 || 1), my = 0.15 * (box.y1 - box.y0 || 1);
      box = { x0: box.x0 - mx, x1: box.x1 + mx, y0: box.y0 - my, y1: box.y1 + my };
      BackpropDrawing.boundary($("boundary"), function (grid) { return network.predict(grid); }, rows, box);
      $("boundary").setAttribute("aria-label", "The network's output over the plane of i1 and i2, with the data");
    } else {
      $("boundary").getContext("2d").clearRect(0, 0, 320, 320);
      $("boundary").setAttribute("aria-label", "No picture: the decision boundary is drawn for 2 inputs and 1 output");
    }
    var epochs = t ? t.epochs : Number($("epochs").value) || 1, colours = BackpropDrawing.colours;
    var series = t ? [{ values: t.loss, colour: colours[0] }] : [];
    if (t && t.valLoss) series.push({ values: t.valLoss, colour: colours[1], dashed: true });
    BackpropDrawing.curves($("loss-chart"), series, epochs);
    BackpropDrawing.curves($("norm-chart"), t ? sizes.slice(1).map(function (_, l) {
      return { values: t.gradientNorms.map(function (n) { return n[l]; }), colour: colours[l % colours.length] };
    }) : [], epochs);
    $("norm-caption").textContent = "Length of each layer's gradient ‖∂E/∂W‖ per epoch (log scale): "
      + sizes.slice(1).map(function (_, l) { return "layer " + (l + 1) + " " + ["blue", "red", "green", "pink", "sky blue"][l % 5]; }).join(", ") + ".";
    var last = t && t.loss.length ? t.loss.length - 1 : null;
    $("train-status").textContent = last === null ? "Ready: Run or One epoch." :
      "Epoch " + last + " of " + t.epochs + ": training loss " + W.formatNumber(t.loss[last])
      + (t.valLoss ? ", validation loss " + W.formatNumber(t.valLoss[last]) : "")
      + (t.divergedAt !== null ? ". Diverged: the loss is not finite or a million times its start." : t.done ? ". Done." : "");
    $("loss-chart").setAttribute("aria-label", $("train-status").textContent);
  }

  function trainEpochs(count) {
    try {
      var t = trainer();
      for (var k = 0; k < count && !t.done; k++) t.next();
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
    if (running) requestAnimationFrame(frame);
  }

  function frame() {
    if (!state.running) return;
    trainEpochs(Number($("speed").value));
    if (state.running) requestAnimationFrame(frame);
  }

  function settingsChanged() { setRunning(false); state.trainer = null; drawTrain(); }

  function fillTrainSettings() {
    var layers = state.network.layers;
    $("hidden-layers").value = layers.length - 1;
    $("hidden-units").value = layers.length > 1 ? layers[0].weights.length : 8;
    $("hidden-activation").value = layers.length > 1 ? layers[0].activation : "tanh";
    $("output-activation").value = layers[layers.length - 1].activation;
    $("train-eta").value = String(state.network.learning_rate);
    $("train-loss").value = state.network.loss;
  }

  $("run").addEventListener("click", function () { setRunning(!state.running); });
  $("one-epoch").addEventListener("click", function () { setRunning(false); trainEpochs(1); });
  $("restart").addEventListener("click", function () {
    if (state.start) state.network.layers = copy(state.start);
    changed(false);
  });
  $("new-network").addEventListener("click", function () {
    try { newNetwork(chosenData()); } catch (error) { $("train-status").textContent = error.message; }
  });
  ["hidden-layers", "hidden-units"].forEach(function (id) {
    $(id).addEventListener("change", function () { $("new-network").click(); });
  });
  $("hidden-activation").addEventListener("change", function () {
    state.network.layers.slice(0, -1).forEach(function (layer) { layer.activation = $("hidden-activation").value; });
    changed(false);
  });
  $("output-activation").addEventListener("change", function () {
    state.network.layers[state.network.layers.length - 1].activation = $("output-activation").value;
    changed(false);
  });
  $("train-eta").addEventListener("change", function () {
    var value = Number($("train-eta").value);
    $("train-eta").setAttribute("aria-invalid", String(!(value > 0 && isFinite(value))));
    if (value > 0 && isFinite(value)) { state.network.learning_rate = value; changed(false); }
  });
  $("train-loss").addEventListener("change", function () { state.network.loss = $("train-loss").value; changed(false); });
  $("dataset").addEventListener("change", function () { $("csv-box").hidden = $("dataset").value !== "csv"; settingsChanged(); });
  ["data-seed", "csv", "batch", "epochs"].forEach(function (id) { $(id).addEventListener("change", settingsChanged); });

  /* ------------------------------------------------------------ the network file, modes, API */

  /* After any change to the network: work the step again, refill the forms, start training anew. */
  function changed(shape) {
    if (shape) buildEditor(); else fillEditor();
    fillTrainSettings();
    $("network-title").textContent = state.network.title || "Network";
    solve();
    settingsChanged();
  }

  function load(text) {
    state.network = BackpropToml.read(text, registry);
    state.cursor = null;
    state.start = null;
    changed(true);
  }

  function exportToml() { return BackpropToml.write(state.network); }

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

  function mode(train) {
    $("mode-step").setAttribute("aria-pressed", String(!train));
    $("mode-train").setAttribute("aria-pressed", String(train));
    $("step-mode").hidden = train;
    $("train-mode").hidden = !train;
    if (train) drawTrain(); else setRunning(false);
  }
  $("mode-step").addEventListener("click", function () { mode(false); });
  $("mode-train").addEventListener("click", function () { mode(true); });
  document.querySelectorAll("button.section").forEach(function (button) {
    button.addEventListener("click", function () {
      moveTo(state.sheet.lines.findIndex(function (l) { return l.section === button.getAttribute("data-section"); }));
    });
  });
  $("next").addEventListener("click", function () {
    moveTo(state.cursor === null ? 0 : Math.min(state.cursor + 1, state.sheet.lines.length - 1));
  });
  $("previous").addEventListener("click", function () {
    moveTo(state.cursor === null ? state.sheet.lines.length - 1 : Math.max(state.cursor - 1, 0));
  });
  $("show-all").addEventListener("click", function () { moveTo(null); });
  $("take-step").addEventListener("click", function () { step(); });

  changed(true);

  /* For scripts and tests: the same network as the page shows. */
  window.playground = {
    load: load,
    values: function () { return W.solve(state.network).values; },   // every quantity by its name
    step: step,
    exportToml: exportToml,
    /* Train on a CSV's rows in order, as `train FILE --data CSV --batch-size B --epochs N`;
     * returns what `train --format json` prints: loss (before each epoch), final_loss,
     * diverged_at, values (the weights and biases after). */
    train: function (options) {
      setRunning(false);
      var rows = readCsv(options.data);
      if (!fits(state.network, rows)) throw new Error("the CSV's columns do not fit the network's inputs and outputs");
      var network = new N.Network(state.network, registry);
      var result = new N.Trainer(network, rows, { eta: state.network.learning_rate, epochs: options.epochs,
        batchSize: options.batch === undefined ? null : batchSize(options.batch) }).run();
      keep(network);
      changed(false);
      result.values = parameters(state.network);
      return result;
    },
  };
})();
