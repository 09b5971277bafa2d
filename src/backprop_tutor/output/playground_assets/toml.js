/* Network files (docs/network-file.md) read and written in the browser.
 *
 * read(text) parses the part of TOML a network file uses (key = value pairs,
 * [[layers]] tables, strings, numbers, booleans, arrays, comments) and checks
 * the network as core/network.py does; an error names the key, as `solve`
 * would. write(network) gives back a file that `solve`, `train` and `check`
 * read: numbers are written in JavaScript's shortest form that reads back to
 * the same float64, so nothing is lost on the way.
 */
"use strict";

var BackpropToml = (function () {
  /* ------------------------------------------------------------ TOML, the part a network file uses */

  function parse(text) {
    var at = 0, line = 1, root = {}, table = root;
    function fail(message) { throw new Error("line " + line + ": " + message); }
    function peek() { return text[at]; }
    function blank() {   // spaces, tabs, comments, and (inside arrays) newlines
      for (;;) {
        var ch = text[at];
        if (ch === " " || ch === "\t" || ch === "\r") at++;
        else if (ch === "#") while (at < text.length && text[at] !== "\n") at++;
        else return;
      }
    }
    function blankLines() {
      for (;;) {
        blank();
        if (text[at] !== "\n") return;
        at++; line++;
      }
    }
    function key() {
      var match = /^[A-Za-z0-9_-]+/.exec(text.slice(at, at + 200));
      if (!match) fail("expected a key");
      at += match[0].length;
      return match[0];
    }
    function value() {
      var rest = text.slice(at, at + 400), match;
      if (rest.startsWith('"""')) return longString('"""');
      if (rest.startsWith("'''")) return longString("'''");
      if (peek() === '"') return basicString();
      if (peek() === "'") {
        var end = text.indexOf("'", at + 1);
        if (end < 0 || text.slice(at, end).indexOf("\n") >= 0) fail("unterminated string");
        var literal = text.slice(at + 1, end);
        at = end + 1;
        return literal;
      }
      if (peek() === "[") return array();
      if ((match = /^(true|false)(?![\w.])/.exec(rest))) { at += match[0].length; return match[1] === "true"; }
      match = /^[+-]?(inf|nan|(\d[\d_]*)(\.\d[\d_]*)?([eE][+-]?\d[\d_]*)?)(?![\w.:-])/.exec(rest);
      if (!match) fail("expected a value (a number, string, boolean or array)");
      at += match[0].length;
      if (/_(?!\d)|(^|[^\d])_/.test(match[0]) || /^[+-]?0\d/.test(match[0])) fail("bad number " + match[0]);
      return Number(match[0].replace(/_/g, "").replace("inf", "Infinity").replace("nan", "NaN"));
    }
    function array() {
      var items = [];
      at++;   // [
      for (;;) {
        blankLines();
        if (peek() === "]") { at++; return items; }
        items.push(value());
        blankLines();
        if (peek() === ",") at++;
        else if (peek() !== "]") fail("expected , or ] in an array");
      }
    }
    var ESCAPES = { b: "\b", t: "\t", n: "\n", f: "\f", r: "\r", '"': '"', "\\": "\\" };
    function escaped() {   // after a backslash
      var ch = text[at++];
      if (ESCAPES.hasOwnProperty(ch)) return ESCAPES[ch];
      var width = ch === "u" ? 4 : ch === "U" ? 8 : 0, hex = text.slice(at, at + width);
      if (!width || !/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== width) fail("bad escape \\" + ch);
      at += width;
      return String.fromCodePoint(parseInt(hex, 16));
    }
    function basicString() {
      var out = "";
      at++;
      for (;;) {
        var ch = text[at++];
        if (ch === undefined || ch === "\n") fail("unterminated string");
        if (ch === '"') return out;
        out += ch === "\\" ? escaped() : ch;
      }
    }
    function longString(quotes) {
      var out = "";
      at += 3;
      if (text[at] === "\n") { at++; line++; }                 // a newline right after """ is dropped
      else if (text.slice(at, at + 2) === "\r\n") { at += 2; line++; }
      for (;;) {
        if (at >= text.length) fail("unterminated string");
        if (text.startsWith(quotes, at) && !text.startsWith(quotes + quotes[0], at)) { at += 3; return out; }
        var ch = text[at++];
        if (ch === "\n") line++;
        if (ch === "\\" && quotes === '"""') {
          if (/^[ \t]*\r?\n/.test(text.slice(at))) {            // line-ending backslash: trim to the next text
            while (/[ \t\r\n]/.test(text[at])) { if (text[at] === "\n") line++; at++; }
          } else out += escaped();
        } else out += ch;
      }
    }

    for (;;) {
      blankLines();
      if (at >= text.length) return root;
      if (text.startsWith("[[", at)) {
        at += 2; blank();
        var name = key();
        blank();
        if (!text.startsWith("]]", at)) fail("expected ]]");
        at += 2;
        if (root.hasOwnProperty(name) && !Array.isArray(root[name])) fail(name + " defined twice");
        root[name] = root[name] || [];
        table = {};
        root[name].push(table);
      } else if (peek() === "[") {
        fail("a network file has no [table] headers; use [[layers]]");
      } else {
        var k = key();
        blank();
        if (peek() !== "=") fail("expected = after " + k);
        at++; blank();
        if (table.hasOwnProperty(k)) fail(k + " defined twice");
        table[k] = value();
      }
      blank();
      if (at < text.length && peek() !== "\n") fail("expected the end of the line");
    }
  }

  /* ------------------------------------------------------------ the network (core/network.py's checks) */

  function read(text, registry) {
    var document = parse(text);
    function fail(key, message) { throw new Error((key ? key + ": " : "") + message); }
    function only(table, allowed, prefix) {
      Object.keys(table).forEach(function (key) {
        if (allowed.indexOf(key) < 0) fail(prefix + key, "unknown key (allowed: " + allowed.slice().sort().join(", ") + ")");
      });
    }
    function number(value, key) {
      if (typeof value !== "number" || !isFinite(value)) fail(key, "expected a finite number, got " + JSON.stringify(value));
      return value;
    }
    function numbers(values, key, count) {
      if (!Array.isArray(values) || !values.length) fail(key, "expected a non-empty list of numbers");
      if (count !== undefined && values.length !== count) fail(key, "expected " + count + " numbers, got " + values.length);
      return values.map(function (v, n) { return number(v, key + "[" + (n + 1) + "]"); });
    }
    function choice(value, allowed, key) {
      if (!Object.prototype.hasOwnProperty.call(allowed, value)) fail(key, "must be one of " + Object.keys(allowed).join(", "));
      return value;
    }
    if (!Object.keys(document).length) fail(null, "is empty; a network file needs inputs, targets, learning_rate and [[layers]]");
    only(document, ["title", "description", "learning_rate", "loss", "inputs", "targets", "layers"], "");
    ["inputs", "targets", "learning_rate", "layers"].forEach(function (key) {
      if (!(key in document)) fail(key, "missing");
    });
    ["title", "description"].forEach(function (key) {
      if (key in document && typeof document[key] !== "string") fail(key, "must be a string");
    });
    var network = {
      title: document.title || "", description: document.description || "",
      inputs: numbers(document.inputs, "inputs"),
      learning_rate: number(document.learning_rate, "learning_rate"),
      loss: choice(document.loss === undefined ? "half_sse" : document.loss, registry.losses, "loss"),
    };
    if (network.learning_rate <= 0) fail("learning_rate", "must be positive");
    if (!Array.isArray(document.layers) || !document.layers.length) fail("layers", "expected one or more [[layers]] tables");
    var previous = network.inputs.length;
    network.layers = document.layers.map(function (table, index) {
      var key = "layers[" + (index + 1) + "]";
      if (!table || typeof table !== "object" || Array.isArray(table)) fail("layers", "expected one or more [[layers]] tables");
      only(table, ["activation", "weights", "biases", "train_biases"], key + ".");
      if (!("activation" in table)) fail(key + ".activation", "missing");
      if (!Array.isArray(table.weights) || !table.weights.length) fail(key + ".weights", "expected a list of rows");
      var layer = {
        activation: choice(table.activation, registry.activations, key + ".activation"),
        weights: table.weights.map(function (row, r) { return numbers(row, key + ".weights[" + (r + 1) + "]", previous); }),
        biases: null, train_biases: table.train_biases === undefined ? true : table.train_biases,
      };
      if ("biases" in table) layer.biases = numbers(table.biases, key + ".biases", layer.weights.length);
      if (typeof layer.train_biases !== "boolean") fail(key + ".train_biases", "must be true or false");
      previous = layer.weights.length;
      return layer;
    });
    network.targets = numbers(document.targets, "targets", previous);
    return network;
  }

  /* ------------------------------------------------------------ writing a network file */

  function string(text) {   // a TOML basic string: JSON's escapes are TOML's for these characters
    return JSON.stringify(text).replace(/\u007f/g, "\\u007f");
  }

  function numbers(values) { return "[" + values.map(String).join(", ") + "]"; }

  function write(network) {
    var lines = [];
    if (network.title) lines.push("title = " + string(network.title));
    if (network.description) lines.push("description = " + string(network.description));
    lines.push("learning_rate = " + String(network.learning_rate), "loss = " + string(network.loss),
               "inputs = " + numbers(network.inputs), "targets = " + numbers(network.targets));
    network.layers.forEach(function (layer) {
      lines.push("", "[[layers]]", "activation = " + string(layer.activation),
                 "weights = [" + layer.weights.map(numbers).join(",\n           ") + "]");
      if (layer.biases) lines.push("biases = " + numbers(layer.biases));
      if (layer.biases && layer.train_biases === false) lines.push("train_biases = false");
    });
    return lines.join("\n") + "\n";
  }

  return { parse: parse, read: read, write: write };
})();
