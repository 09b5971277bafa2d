/* Step mode: the network drawn with every quantity of one SGD step, the formulas with their
 * numbers line by line, and an editor for every given number. The step is worksheet.js's. */
"use strict";

(function (app) {
  var W = BackpropWorksheet, $ = app.$, element = app.element, registry = app.registry;
  var state = {
    sheet: null,    // the network's worked step: {given, lines, values}
    order: {},      // each worked quantity's line number
    cursor: null,   // index of the line being shown, or null: every line
  };

  function solve() {
    state.sheet = W.solve(app.network);
    state.order = {};
    state.sheet.lines.forEach(function (line, k) { state.order[line.name] = k; });
    if (state.cursor !== null && state.cursor >= state.sheet.lines.length) state.cursor = null;
    drawStep();
  }

  function shown(name) {
    if (!state.sheet.values.hasOwnProperty(name)) return false;
    if (state.cursor === null || state.sheet.given.hasOwnProperty(name)) return true;
    return state.order[name] <= state.cursor;
  }

  function drawStep() {
    var sheet = state.sheet, line = state.cursor === null ? null : sheet.lines[state.cursor];
    var picture = BackpropDrawing.network(app.network, shown, function (name) {
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
    $("drawing-caption").textContent = (app.network.title || "Network") + ": "
      + W.sizes(app.network).join("-") + " network, " + app.network.loss + " loss, η = "
      + W.formatNumber(app.network.learning_rate) + ", E = " + W.formatNumber(sheet.values.E)
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
    var network = app.network, sizes = W.sizes(network), units = W.unitNames(sizes);
    var weights = W.weightNames(sizes), box = $("editor-fields");
    function field(parent, control, label) {
      var wrap = element("div", { class: "field" });
      wrap.appendChild(element("label", { for: control.id }, label));
      wrap.appendChild(control);
      parent.appendChild(wrap);
    }
    function number(parent, name, label) {
      field(parent, element("input", { type: "number", step: "any", id: "edit-" + name, "data-name": name,
                                       inputmode: "decimal" }), label || name);
    }
    function choice(parent, attributes, names, label) {
      var select = element("select", attributes);
      names.forEach(function (name) { select.appendChild(element("option", { value: name }, name)); });
      field(parent, select, label);
    }
    function group(legend) {
      var set = element("fieldset");
      set.appendChild(element("legend", {}, legend));
      box.appendChild(set);
      return set;
    }
    box.replaceChildren();
    var general = group("Learning rate and loss");
    number(general, "eta", "η (eta)");
    choice(general, { id: "edit-loss" }, Object.keys(registry.losses), "Loss");
    var sample = group("The sample: inputs and targets");
    units[0].forEach(function (name) { number(sample, name); });
    network.targets.forEach(function (_, k) { number(sample, "t" + (k + 1)); });
    network.layers.forEach(function (layer, l) {
      var own = units[l + 1], set = group((l === network.layers.length - 1 ? "Output layer " : "Hidden layer ")
        + own[0] + (own.length > 1 ? "–" + own[own.length - 1] : ""));
      choice(set, { id: "edit-activation-" + l, "data-layer": l }, Object.keys(registry.activations), "Activation");
      own.forEach(function (unit, r) {
        weights[l][r].forEach(function (name, c) { number(set, name, name + " (" + units[l][c] + "→" + unit + ")"); });
        if (layer.biases) number(set, "b_" + unit);
      });
    });
    fillEditor();
  }

  function fillEditor() {
    var values = W.given(app.network);
    $("editor-fields").querySelectorAll("input[data-name]").forEach(function (input) {
      input.value = String(values[input.getAttribute("data-name")]);
      input.removeAttribute("aria-invalid");
    });
    $("edit-loss").value = app.network.loss;
    app.network.layers.forEach(function (layer, l) { $("edit-activation-" + l).value = layer.activation; });
  }

  $("editor").addEventListener("input", function (event) {
    var target = event.target, name = target.getAttribute("data-name");
    if (target.id === "edit-loss") app.network.loss = target.value;
    else if (target.hasAttribute("data-layer")) app.network.layers[target.getAttribute("data-layer")].activation = target.value;
    else if (name) {
      var value = target.value.trim() === "" ? NaN : Number(target.value);
      var valid = isFinite(value) && !(name === "eta" && value <= 0);
      target.setAttribute("aria-invalid", String(!valid));
      if (!valid) return;
      var slot = app.slots(app.network)[name];
      slot[0][slot[1]] = value;
    }
    app.changed("edit");
  });
  $("editor").addEventListener("submit", function (event) { event.preventDefault(); });

  /* Take the step: every weight and bias becomes its new value. Returns the step taken. */
  function step() {
    var values = W.solve(app.network).values, found = app.slots(app.network);
    Object.keys(found).forEach(function (name) {
      if (values.hasOwnProperty(name + "_new")) found[name][0][found[name][1]] = values[name + "_new"];
    });
    app.changed("numbers");
    return values;
  }

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

  app.listeners.push(function (how) {
    if (how === "shape") { state.cursor = null; buildEditor(); }
    else if (how !== "edit") fillEditor();   // the editor keeps what is being typed in it
    solve();
  });
  app.step = step;
})(BackpropApp);
