/* One SGD step as named quantities: core/worksheet.py's formulas, made in the browser.
 *
 * The playground loads any network file, so it cannot take the worksheet's
 * formula strings ready-made from Python as the practice page does: it writes
 * them here the way core/worksheet.py's definitions() does, from the registries
 * (activations, losses) that output/playground.py copies into the page.
 * A test holds every string equal to Python's on random networks, and every
 * value equal to `solve`'s. The strings are evaluated by formulas.js, the one
 * evaluator shared with the practice page.
 *
 * A network here is the network file as data:
 *   {inputs, targets, learning_rate, loss, layers: [{activation, weights, biases, train_biases}]}
 * with weights[r][c] the weight from unit c of the previous layer into unit r.
 */
"use strict";

var BackpropWorksheet = (function () {
  var registry = null;   // set by use(): {activations, losses, sections, symbols}

  function use(data) { registry = data; }

  /* ------------------------------------------------------------ names (core/names.py) */

  function sizes(network) {
    return [network.inputs.length].concat(network.layers.map(function (l) { return l.weights.length; }));
  }

  /* Units of every layer: inputs i1.., hidden h1.. numbered on across layers, outputs o1.. */
  function unitNames(sizes) {
    var names = [range(sizes[0], "i")], hidden = 0;
    sizes.slice(1, -1).forEach(function (size) {
      names.push(range(size, "h", hidden));
      hidden += size;
    });
    names.push(range(sizes[sizes.length - 1], "o"));
    return names;
  }

  function range(count, prefix, start) {
    var names = [];
    for (var k = 1; k <= count; k++) names.push(prefix + ((start || 0) + k));
    return names;
  }

  /* Weights w1..wN, layer by layer, unit by unit, input by input: shaped like the matrices. */
  function weightNames(sizes) {
    var names = [], k = 0;
    for (var l = 1; l < sizes.length; l++) {
      var layer = [];
      for (var r = 0; r < sizes[l]; r++) {
        var row = [];
        for (var c = 0; c < sizes[l - 1]; c++) row.push("w" + (k + r * sizes[l - 1] + c + 1));
        layer.push(row);
      }
      names.push(layer);
      k += sizes[l] * sizes[l - 1];
    }
    return names;
  }

  /* ------------------------------------------------------------ the given numbers */

  /* What a student starts from: inputs, targets, weights, biases and eta (given_values). */
  function given(network) {
    var s = sizes(network), units = unitNames(s), weights = weightNames(s), values = {};
    network.inputs.forEach(function (x, k) { values[units[0][k]] = x; });
    network.targets.forEach(function (t, k) { values["t" + (k + 1)] = t; });
    network.layers.forEach(function (layer, l) {
      layer.weights.forEach(function (row, r) {
        row.forEach(function (w, c) { values[weights[l][r][c]] = w; });
      });
    });
    network.layers.forEach(function (layer, l) {
      if (layer.biases) layer.biases.forEach(function (b, r) { values["b_" + units[l + 1][r]] = b; });
    });
    values.eta = network.learning_rate;
    return values;
  }

  /* ------------------------------------------------------------ the formulas (definitions) */

  function fill(template, names) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return names[key]; });
  }

  /* What a unit sends on: an input unit its input, any other its output (worksheet.py's sent_by). */
  function sentBy(unit) { return unit[0] === "i" ? unit : "out_" + unit; }

  /* A product of factors; a factor of 1 (the linear activation's derivative) is left out. */
  function product(factors) {
    return factors.filter(function (f) { return f !== "1"; }).join(" * ");
  }

  function derivative(activation, unit) {
    return fill(registry.activations[activation].derivative, { net: "net_" + unit, out: "out_" + unit });
  }

  /* The formulas of one SGD step, in the order they are worked out: [{section, name, formula}]. */
  function definitions(network) {
    var s = sizes(network), units = unitNames(s), weights = weightNames(s);
    var layers = network.layers, outputs = units[units.length - 1], K = outputs.length;
    var loss = registry.losses[network.loss], result = [];
    function add(section, name, formula) { result.push({ section: section, name: name, formula: formula }); }

    // forward: net_u = sum_s w_us * out_s + b_u, out_u = f(net_u)
    layers.forEach(function (layer, l) {
      units[l + 1].forEach(function (unit, r) {
        var terms = units[l].map(function (src, c) { return weights[l][r][c] + " * " + sentBy(src); });
        if (layer.biases) terms.push("b_" + unit);
        add("forward", "net_" + unit, terms.join(" + "));
        add("forward", "out_" + unit, fill(registry.activations[layer.activation].output, { net: "net_" + unit }));
      });
    });

    // loss: each output's share, then their sum
    outputs.forEach(function (o, k) {
      add("loss", "E_" + o, fill(loss.share[K - 1], { out: "out_" + o, target: "t" + (k + 1) }));
    });
    add("loss", "E", outputs.map(function (o) { return "E_" + o; }).join(" + "));

    // deltas: dE/dout * f'(net) at the outputs, then back layer by layer (weights before the update)
    outputs.forEach(function (o, k) {
      var gradient = fill(loss.gradient[K - 1], { out: "out_" + o, target: "t" + (k + 1) });
      add("deltas", "delta_" + o, product([gradient, derivative(layers[layers.length - 1].activation, o)]));
    });
    for (var l = layers.length - 2; l >= 0; l--) {
      var downstream = units[l + 2], next = weights[l + 1];
      units[l + 1].forEach(function (unit, c) {
        var paths = downstream.map(function (u, r) { return next[r][c] + " * delta_" + u; }).join(" + ");
        if (downstream.length > 1) paths = "(" + paths + ")";
        add("deltas", "delta_" + unit, product([paths, derivative(layers[l].activation, unit)]));
      });
    }

    // gradients: dE/dw_us = delta_u * out_s, dE/db_u = delta_u
    layers.forEach(function (layer, l) {
      units[l + 1].forEach(function (unit, r) {
        units[l].forEach(function (src, c) {
          add("gradients", "dE_d" + weights[l][r][c], "delta_" + unit + " * " + sentBy(src));
        });
      });
    });
    layers.forEach(function (layer, l) {
      if (layer.biases) units[l + 1].forEach(function (u) { add("gradients", "dE_db_" + u, "delta_" + u); });
    });

    // update: w_new = w - eta * dE/dw; a frozen bias keeps its value
    weights.forEach(function (layer) {
      layer.forEach(function (row) {
        row.forEach(function (w) { add("update", w + "_new", w + " - eta * dE_d" + w); });
      });
    });
    layers.forEach(function (layer, l) {
      if (layer.biases) units[l + 1].forEach(function (u) {
        add("update", "b_" + u + "_new", layer.train_biases === false ? "b_" + u : "b_" + u + " - eta * dE_db_" + u);
      });
    });
    return result;
  }

  /* Work the step: {given, lines: [{section, name, formula, value}], values: every name → number}. */
  function solve(network) {
    var start = given(network), values = Object.assign({}, start);
    var lines = definitions(network).map(function (line) {
      values[line.name] = BackpropFormulas.valueOf(line.formula, values);
      return Object.assign({ value: values[line.name] }, line);
    });
    return { given: start, lines: lines, values: values };
  }

  /* ------------------------------------------------------------ formulas for people (notation.text) */

  var SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹";

  /* A number as a student writes it (notation.format_number): 6 places, trailing zeros dropped;
   * too small for that, 3 significant digits; a million or more, 7. */
  function formatNumber(value, decimals) {
    decimals = decimals === undefined ? 6 : decimals;
    if (value === 0) return "0";
    if (!isFinite(value)) return isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
    if (Math.abs(value) < 0.5 * Math.pow(10, -decimals)) return scientific(value, 3);
    if (Math.abs(value) >= 1e6) return scientific(value, 7);
    return value.toFixed(decimals).replace(/0+$/, "").replace(/\.$/, "");
  }

  function scientific(value, digits) {   // Python's f"{value:.{digits - 1}e}", zeros dropped
    var parts = value.toExponential(digits - 1).split("e"), exponent = Number(parts[1]);
    return parts[0].replace(/0+$/, "").replace(/\.$/, "") + "e" + (exponent < 0 ? "-" : "+")
      + String(Math.abs(exponent)).padStart(2, "0");
  }

  /* A formula in plain Unicode; with values, its names replaced by numbers (negatives bracketed,
   * but not a lone argument as in σ(0.65)). The symbols are notation.TEXT's, from Python. */
  function text(formula, values) {
    var parts = BackpropFormulas.tokens(formula), out = [];
    for (var k = 0; k < parts.length; k++) {
      var token = parts[k];
      if (token === "**") {
        out.push(parts[++k].replace(/\d/g, function (d) { return SUPERSCRIPTS[d]; }));
      } else if (values && Object.prototype.hasOwnProperty.call(values, token)) {
        out.push(number(values[token], !(parts[k - 1] === "(" && parts[k + 1] === ")")));
      } else if (Object.prototype.hasOwnProperty.call(registry.symbols, token)) {
        out.push(registry.symbols[token]);
      } else {
        out.push(token);
      }
    }
    return out.join("").trim();
  }

  function number(value, bracketed) {
    var written = formatNumber(value);
    return bracketed && value < 0 ? "(" + written + ")" : written;
  }

  return { use: use, sizes: sizes, unitNames: unitNames, weightNames: weightNames, given: given,
           definitions: definitions, solve: solve, text: text, formatNumber: formatNumber };
})();
