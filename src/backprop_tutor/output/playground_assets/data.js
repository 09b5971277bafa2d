/* Data sets in the browser: a pasted CSV, read as networks/datasets.py's read_csv reads a file.
 *
 * A data set is {X, T, validation}: X one row of inputs per sample, T one row
 * of targets, validation the same for held-out rows (or null). The lab's data
 * sets come ready-made in the page's data, made by networks/datasets.py.
 */
"use strict";

var BackpropData = (function () {
  var NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

  /* Header i1,...,t1,... (inputs, then targets), then one sample per line; blank lines skipped. */
  function readCsv(text, maxOutputs) {
    var rows = text.split(/\r?\n/).map(function (line) { return line === "" ? [] : line.split(","); });
    var header = (rows[0] || []).map(function (name) { return name.trim(); });
    var inputs = header.filter(function (name) { return name[0] === "i"; }).length;
    var expected = header.map(function (_, k) { return k < inputs ? "i" + (k + 1) : "t" + (k - inputs + 1); });
    if (!header.length || header.join() !== expected.join() || !inputs || inputs === header.length) {
      throw new Error("CSV header: expected i1,...,t1,... (inputs, then targets); got "
                      + JSON.stringify(header.join(",")));
    }
    var X = [], T = [];
    rows.slice(1).forEach(function (row, k) {
      var where = "CSV line " + (k + 2);
      if (!row.length) return;
      if (row.length !== header.length) throw new Error(where + ": expected " + header.length + " values, got " + row.length);
      var numbers = row.map(function (text, c) {
        var value = NUMBER.test(text) ? Number(text) : NaN;
        if (!isFinite(value)) throw new Error(where + ", " + header[c] + ": expected a finite number, got " + JSON.stringify(text));
        return value;
      });
      X.push(numbers.slice(0, inputs));
      T.push(numbers.slice(inputs));
    });
    if (!X.length) throw new Error("CSV: no samples after the header");
    if (T[0].length > maxOutputs) throw new Error("CSV: at most " + maxOutputs + " targets");
    return { X: X, T: T, validation: null };
  }

  /* The part of the plane the picture shows: every row's first two inputs, and a margin. */
  function box(rows) {
    var all = rows.X.concat(rows.validation ? rows.validation.X : []);
    var x = all.map(function (row) { return row[0]; }), y = all.map(function (row) { return row[1]; });
    var x0 = Math.min.apply(null, x), x1 = Math.max.apply(null, x);
    var y0 = Math.min.apply(null, y), y1 = Math.max.apply(null, y);
    var mx = 0.15 * (x1 - x0 || 1), my = 0.15 * (y1 - y0 || 1);
    return { x0: x0 - mx, x1: x1 + mx, y0: y0 - my, y1: y1 + my };
  }

  return { readCsv: readCsv, box: box };
})();
