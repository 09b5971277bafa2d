/* The practice page: draws one network's SGD step, reveals it line by line, marks typed answers.
 * All numbers and formulas come from the JSON written by output/page.py; marking from marking.js. */
"use strict";

(function () {
  var data = JSON.parse(document.getElementById("page-data").textContent);
  var ids = Object.keys(data.networks);
  var SYMBOLS = { right: "\u2713", wrong: "\u2717", imprecise: "~" };
  var WORDS = { right: "right", wrong: "wrong", imprecise: "too imprecise" };
  var REVEAL = ["Show formula", "Show numbers", "Show value", "Hide"];
  var state = { id: ids[0], activation: null, answers: {}, revealed: {} };
  var app = document.getElementById("app");

  function element(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) {
      if (key === "text") node.textContent = attributes[key];
      else node.setAttribute(key, attributes[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function network() { return data.networks[state.id]; }
  function currentCase() { return network().cases[state.activation]; }

  /* notation.format_number: `decimals` places, trailing zeros dropped; tiny values in e-notation. */
  function formatNumber(value, decimals) {
    decimals = decimals === undefined ? 6 : decimals;
    if (value === null || !isFinite(value)) return "not a finite number";
    if (value === 0) return "0";
    if (Math.abs(value) < 0.5 * Math.pow(10, -decimals)) {
      var parts = value.toExponential(2).split("e");
      var exponent = Number(parts[1]);
      return parts[0].replace(/0+$/, "").replace(/\.$/, "") + "e" + (exponent < 0 ? "-" : "+")
        + String(Math.abs(exponent)).padStart(2, "0");
    }
    return value.toFixed(decimals).replace(/0+$/, "").replace(/\.$/, "");
  }

  function note(mark) {
    if (mark.verdict === "right" && mark.follows_from.length)
      return mark.rule + ", follows through from your wrong " + mark.follows_from.join(", ");
    return data.rules[mark.rule].replace("{sig_figs}", data.sig_figs);
  }

  function render() {
    var net = network();
    if (net.activations.indexOf(state.activation) < 0) state.activation = net.activations[0];
    var focused = document.activeElement && document.activeElement.id;
    app.textContent = "";
    app.appendChild(element("h1", { text: net.title }));
    app.appendChild(element("p", { text: "One SGD step by hand: work each quantity, type your " +
      "number in its box (in any order) and it is marked as you type, from your own earlier " +
      "numbers, as backprop-tutor check does: right, wrong, or too imprecise. " +
      data.rounding_rule + " Each Show button reveals the formula, then the numbers, then " +
      "the value." }));
    var controls = element("div", { class: "controls" });
    if (ids.length > 1) {
      var variant = element("input", { type: "text", id: "variant", value: state.id,
                                       autocomplete: "off", spellcheck: "false" });
      variant.addEventListener("change", function () {
        var wanted = variant.value.trim();
        if (data.networks.hasOwnProperty(wanted)) { state.id = wanted; render(); }
        else document.getElementById("variant-message").textContent =
          "No variant \u201c" + wanted + "\u201d on this page.";
      });
      controls.appendChild(element("label", {}, [document.createTextNode("Variant ID"), variant]));
      controls.appendChild(element("p", { id: "variant-message", role: "status" }));
    }
    if (net.activations.length > 1) {
      var select = element("select", { id: "activation" });
      net.activations.forEach(function (a) {
        var option = element("option", { value: a, text: a });
        if (a === state.activation) option.selected = true;
        select.appendChild(option);
      });
      select.addEventListener("change", function () { state.activation = select.value; render(); });
      controls.appendChild(element("label", {}, [document.createTextNode("Hidden activation"),
                                                 select]));
    }
    app.appendChild(controls);
    var figure = element("figure", {});
    var drawing = element("div", {});
    drawing.innerHTML = net.svg;   // made by page.py from the network's numbers only
    figure.appendChild(drawing);
    figure.appendChild(element("figcaption", { text: currentCase().describe }));
    app.appendChild(figure);
    app.appendChild(element("div", { class: "summary", id: "summary", role: "status",
                                     "aria-live": "polite" }));
    Object.keys(data.sections).forEach(function (section) {
      var list = element("ol", { class: "lines" });
      currentCase().lines.forEach(function (line) {
        if (line.section === section) list.appendChild(lineItem(line));
      });
      app.appendChild(element("h2", { text: data.sections[section] }));
      app.appendChild(list);
    });
    mark();
    if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
  }

  function lineItem(line) {
    var input = element("input", { type: "text", id: "answer-" + line.name, inputmode: "decimal",
                                   autocomplete: "off", spellcheck: "false", class: "answer" });
    input.value = state.answers[line.name] || "";
    input.addEventListener("input", function () {
      if (input.value.trim()) state.answers[line.name] = input.value;
      else delete state.answers[line.name];
      mark();
    });
    input.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") return;
      var boxes = Array.prototype.slice.call(document.querySelectorAll("input.answer"));
      var next = boxes[boxes.indexOf(input) + 1];
      if (next) { event.preventDefault(); next.focus(); }
    });
    var revealed = element("div", { class: "revealed", id: "reveal-" + line.name,
                                    "aria-live": "polite" });
    var button = element("button", { type: "button", id: "show-" + line.name,
                                     "aria-controls": "reveal-" + line.name });
    function show() {
      var level = state.revealed[line.name] || 0;
      button.textContent = REVEAL[level];
      button.setAttribute("aria-label", REVEAL[level] + " of " + line.name);
      revealed.textContent = "";
      if (level >= 1) revealed.appendChild(element("div", { class: "formula",
                                                           text: line.name + " = " + line.text }));
      if (level >= 2) revealed.appendChild(element("div", { class: "formula",
                                                           text: "= " + line.numbers }));
      if (level >= 3) revealed.appendChild(element("div", { class: "formula",
                                                           text: "= " + line.shown }));
    }
    button.addEventListener("click", function () {
      state.revealed[line.name] = ((state.revealed[line.name] || 0) + 1) % REVEAL.length;
      show();
    });
    show();
    return element("li", { class: "line", id: "line-" + line.name }, [
      element("label", { for: "answer-" + line.name }, [element("code", { text: line.name })]),
      input, button,
      element("span", { class: "verdict", id: "verdict-" + line.name }),
      element("div", { class: "detail", id: "detail-" + line.name }),
      revealed,
    ]);
  }

  function mark() {
    var c = currentCase(), answers = {};
    c.lines.forEach(function (line) {
      if (state.answers.hasOwnProperty(line.name)) answers[line.name] = state.answers[line.name];
    });
    var exact = {};
    c.lines.forEach(function (line) { exact[line.name] = line.value; });
    var marks = BackpropMarking.markLines(c.lines, c.given, exact, answers, data.sig_figs,
                                              data.decimals);
    var byName = {};
    marks.forEach(function (m) { byName[m.name] = m; });
    c.lines.forEach(function (line) {
      var verdict = document.getElementById("verdict-" + line.name);
      var detail = document.getElementById("detail-" + line.name);
      var m = byName[line.name];
      verdict.className = "verdict" + (m ? " " + m.verdict : "");
      detail.textContent = "";
      if (!m) { verdict.textContent = ""; return; }
      var said = note(m);
      var word = WORDS[m.verdict];
      verdict.textContent = SYMBOLS[m.verdict] + " " +
        (said.indexOf(word) === 0 ? said : word + (said ? ": " + said : ""));
      if (m.note) detail.appendChild(element("div", { class: "note", text: m.note }));
      if (m.verdict !== "right" && m.rule !== "not a number")
        detail.appendChild(element("div", { text: "but " + line.text + " = " +
          formatNumber(m.expected) + " from your own numbers" }));
      if (m.hint) detail.appendChild(element("div", { class: "hint", text: "hint: " + m.hint }));
    });
    var summary = document.getElementById("summary");
    summary.textContent = "";
    if (!marks.length) { summary.textContent = "No answers yet."; return; }
    var count = function (v) { return marks.filter(function (m) { return m.verdict === v; }).length; };
    summary.appendChild(document.createTextNode(count("right") + " of " + marks.length +
      " answers right, " + count("wrong") + " wrong, " + count("imprecise") + " too imprecise."));
    var slip = BackpropMarking.slipSummary(marks, data.slips);
    if (slip) summary.appendChild(element("div", { class: "slip",
                                                   text: BackpropMarking.slipSentence(slip) }));
  }

  render();
})();
