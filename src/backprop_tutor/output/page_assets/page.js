/* The practice page: draws one network's SGD step, marks typed answers, and (if the page was
 * written with reveal) shows each line's formula, numbers and value on request.
 * All numbers and formulas come from the JSON written by output/page.py; marking from marking.js.
 * Every text is set with textContent: nothing from the data is parsed as HTML but the drawing,
 * which page.py makes from names and numbers only. */
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

  /* Each line's exact value, worked from the given numbers by the line's formula. */
  function exactValues(c) {
    var values = Object.assign({}, c.given), exact = {};
    c.lines.forEach(function (line) {
      exact[line.name] = values[line.name] = BackpropMarking.valueOf(line.formula, values);
    });
    return exact;
  }

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

  function verdictText(mark) {
    var said = note(mark), word = WORDS[mark.verdict];
    return SYMBOLS[mark.verdict] + " " + (said.indexOf(word) === 0 ? said : word + (said ? ": " + said : ""));
  }

  /* The one live region: what it is told is read out once (the verdict of the box just left). */
  function announce(text) { document.getElementById("announce").textContent = text; }

  function introduction() {
    var precision = data.rule + " An answer is right when your own earlier numbers give it, " +
      "rounded so.";
    return "One SGD step by hand: work each quantity, type your number in its box (in any order) " +
      "and it is marked from your own earlier numbers, as backprop-tutor check does: right, " +
      "wrong, or too imprecise. " + precision + (data.reveal ? " Each Show button reveals the " +
      "formula, then the numbers, then the value." : " This page shows no value you have not typed.");
  }

  function givensTable(net) {
    var body = element("tbody", {}, net.givens.map(function (row) {
      return element("tr", {}, [element("th", { scope: "row", text: row[0] }),
                                element("td", { text: row[1] })]);
    }));
    return element("table", { class: "givens" }, [
      element("caption", { text: "The given numbers" }),
      element("thead", {}, [element("tr", {}, [element("th", { scope: "col", text: "given" }),
                                               element("th", { scope: "col", text: "values" })])]),
      body]);
  }

  function render() {
    var net = network();
    if (net.activations.indexOf(state.activation) < 0) state.activation = net.activations[0];
    var focused = document.activeElement && document.activeElement.id;
    app.textContent = "";
    app.appendChild(element("h1", { text: net.title }));
    app.appendChild(element("p", { text: introduction() }));
    var controls = element("div", { class: "controls" });
    if (ids.length > 1) {
      var variant = element("input", { type: "text", id: "variant", value: state.id,
                                       autocomplete: "off", spellcheck: "false" });
      variant.addEventListener("change", function () {
        var wanted = variant.value.trim().toUpperCase();
        var found = ids.filter(function (id) { return id.toUpperCase() === wanted; })[0];
        if (found !== undefined) { state.id = found; render(); announce("Variant " + found + "."); }
        else announce("No variant \u201c" + variant.value.trim() + "\u201d on this page.");
      });
      controls.appendChild(element("label", {}, [document.createTextNode("Variant ID"), variant]));
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
    var drawing = element("div", { class: "drawing" });
    drawing.innerHTML = net.svg;   // made by page.py from the network's names and numbers only
    app.appendChild(element("figure", {}, [drawing,
      element("figcaption", { text: currentCase().describe })]));
    app.appendChild(givensTable(net));
    app.appendChild(element("div", { class: "summary", id: "summary" }));
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
    input.addEventListener("change", function () {   // the box is left with a new value
      var verdict = document.getElementById("verdict-" + line.name).textContent;
      announce(line.name + ": " + (verdict || "no answer"));
    });
    input.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") return;
      var boxes = Array.prototype.slice.call(document.querySelectorAll("input.answer"));
      var next = boxes[boxes.indexOf(input) + 1];
      if (next) { event.preventDefault(); next.focus(); }
    });
    var parts = [element("label", { for: "answer-" + line.name }, [element("code", { text: line.name })]),
                 input];
    var revealed = null;
    if (data.reveal) {
      revealed = element("div", { class: "revealed", id: "reveal-" + line.name });
      var button = element("button", { type: "button", id: "show-" + line.name,
                                       "aria-controls": "reveal-" + line.name });
      var show = function () {
        var level = state.revealed[line.name] || 0;
        button.textContent = REVEAL[level];
        button.setAttribute("aria-label", REVEAL[level] + " of " + line.name);
        button.setAttribute("aria-expanded", level > 0 ? "true" : "false");
        revealed.textContent = "";
        var shown = [line.name + " = " + line.text, "= " + line.numbers, "= " + line.shown];
        shown.slice(0, level).forEach(function (text) {
          revealed.appendChild(element("div", { class: "formula", text: text }));
        });
      };
      button.addEventListener("click", function () {
        state.revealed[line.name] = ((state.revealed[line.name] || 0) + 1) % REVEAL.length;
        show();
      });
      show();
      parts.push(button);
    }
    parts.push(element("span", { class: "verdict", id: "verdict-" + line.name }),
               element("div", { class: "detail", id: "detail-" + line.name }), revealed);
    return element("li", { class: "line", id: "line-" + line.name }, parts);
  }

  function mark() {
    var c = currentCase(), answers = {};
    c.lines.forEach(function (line) {
      if (state.answers.hasOwnProperty(line.name)) answers[line.name] = state.answers[line.name];
    });
    var marks = BackpropMarking.markLines(c.lines, c.given, exactValues(c), answers, data.sig_figs,
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
      verdict.textContent = verdictText(m);
      if (m.note) detail.appendChild(element("div", { class: "note", text: m.note }));
      // What the student's own numbers give is a value they have not typed: only with reveal.
      if (data.reveal && m.verdict !== "right" && m.rule !== "not a number")
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
