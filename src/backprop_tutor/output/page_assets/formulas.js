/* The worksheet's formula strings, evaluated in the browser.
 *
 * A formula such as "(out_o1 - t1) * out_o1 * (1 - out_o1)" is what
 * core/worksheet.py writes for one quantity; Python evaluates it with eval,
 * this file with a small parser of the same grammar: names, numbers,
 * + - * / ** ( ) and the functions of an arithmetic, with Python's precedence.
 * FLOATS is JavaScript's float64, as Python's floats; the practice page's
 * marker (marking.js) brings exact decimals for the values worked by hand.
 * The practice page and the playground share this one evaluator.
 */
"use strict";

var BackpropFormulas = (function () {
  var FLOATS = {
    number: Number, add: function (a, b) { return a + b; }, sub: function (a, b) { return a - b; },
    mul: function (a, b) { return a * b; }, div: function (a, b) { return a / b; },
    neg: function (a) { return -a; }, pow: Math.pow,
    functions: {
      // sigmoid(x) = 1 / (1 + exp(-x)) = (1 + tanh(x / 2)) / 2, the form that cannot overflow
      sigmoid: function (x) { return 0.5 * (1 + Math.tanh(0.5 * x)); },
      tanh: Math.tanh,
      relu: function (x) { return x > 0 ? x : 0; },   // Python's max(0.0, x), NaN included
      step: function (x) { return x > 0 ? 1 : 0; },   // relu'(0) = 0
    },
  };
  /* Formulas: names, numbers, + - * / ** ( ) and the functions above, with Python's precedence
   * (** binds tighter than a unary minus on its left and is right-associative). */
  var TOKEN = /\s*([A-Za-z_]\w*|\d+\.?\d*(?:e-?\d+)?|\*\*|[-+*\/(),])/y;
  var compiled = new Map();   // arithmetic → {formula: compiled formula}

  function tokens(formula) {
    var found = [], match;
    formula = formula.trim();
    TOKEN.lastIndex = 0;
    while (TOKEN.lastIndex < formula.length && (match = TOKEN.exec(formula))) found.push(match[1]);
    if (formula.slice(TOKEN.lastIndex).trim()) throw new Error("cannot read formula " + formula);
    return found;
  }

  function has(values, name) { return values && Object.prototype.hasOwnProperty.call(values, name); }

  /* The formula as a function of (values, overlay): a name is looked up in overlay first.
   * The arithmetic A (FLOATS by default) says what numbers are and how they are added,
   * multiplied, ... and which functions a formula may call. */
  function compile(formula, A) {
    A = A || FLOATS;
    if (!compiled.has(A)) compiled.set(A, {});
    var cache = compiled.get(A);
    if (cache[formula]) return cache[formula];
    var list = tokens(formula), at = 0;
    function peek() { return list[at]; }
    function take(expected) {
      var token = list[at++];
      if (expected !== undefined && token !== expected) throw new Error("expected " + expected);
      return token;
    }
    function binary(op, a, b) { return function (v, o) { return op(a(v, o), b(v, o)); }; }
    function sum() {
      var node = product();
      while (peek() === "+" || peek() === "-") node = binary(take() === "+" ? A.add : A.sub, node, product());
      return node;
    }
    function product() {
      var node = unary();
      while (peek() === "*" || peek() === "/") node = binary(take() === "*" ? A.mul : A.div, node, unary());
      return node;
    }
    function unary() {
      if (peek() === "-") { take(); var inner = unary(); return function (v, o) { return A.neg(inner(v, o)); }; }
      if (peek() === "+") { take(); return unary(); }
      return power();
    }
    function power() {
      var base = atom();
      if (peek() !== "**") return base;
      take();
      return binary(A.pow, base, unary());   // right-associative; -x on the right, as in Python
    }
    function atom() {
      var token = take();
      if (token === "(") { var inner = sum(); take(")"); return inner; }
      if (/^\d/.test(token)) { var number = A.number(token); return function () { return number; }; }
      if (A.functions.hasOwnProperty(token) && peek() === "(") {
        take("("); var argument = sum(); take(")");
        var f = A.functions[token];
        return function (v, o) { return f(argument(v, o)); };
      }
      return function (v, o) {
        if (has(o, token)) return o[token];
        if (!has(v, token)) throw new Error("unknown name " + token);
        return v[token];
      };
    }
    var tree = sum();
    if (at !== list.length) throw new Error("cannot read formula " + formula);
    cache[formula] = tree;
    return tree;
  }

  /* The value of a formula in floats, with the names in `values` (and `overlay` first). */
  function valueOf(formula, values, overlay) { return compile(formula, FLOATS)(values, overlay); }

  return { FLOATS: FLOATS, tokens: tokens, has: has, compile: compile, valueOf: valueOf };
})();
