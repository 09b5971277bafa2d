/* The worksheet's formula strings, evaluated in the browser.
 *
 * A formula such as "(out_o1 - t1) * out_o1 * (1 - out_o1)" is what
 * core/worksheet.py writes for one quantity; Python evaluates it with eval,
 * this file with a small parser of the same grammar: names, numbers,
 * + - * / ** ( ) and the functions below, with Python's precedence.
 * The practice page (marking.js) and the playground share this one evaluator.
 */
"use strict";

var BackpropFormulas = (function () {
  var FUNCTIONS = {
    // sigmoid(x) = 1 / (1 + exp(-x)) = (1 + tanh(x / 2)) / 2, the form that cannot overflow
    sigmoid: function (x) { return 0.5 * (1 + Math.tanh(0.5 * x)); },
    tanh: Math.tanh,
    relu: function (x) { return x > 0 ? x : 0; },   // Python's max(0.0, x), NaN included
    step: function (x) { return x > 0 ? 1 : 0; },   // relu'(0) = 0
    exp: Math.exp,
  };

  /* Formulas: names, numbers, + - * / ** ( ) and the functions above, with Python's precedence
   * (** binds tighter than a unary minus on its left and is right-associative). */
  var TOKEN = /\s*([A-Za-z_]\w*|\d+\.?\d*(?:e-?\d+)?|\*\*|[-+*\/(),])/y;
  var compiled = {};

  function tokens(formula) {
    var found = [], match;
    formula = formula.trim();
    TOKEN.lastIndex = 0;
    while (TOKEN.lastIndex < formula.length && (match = TOKEN.exec(formula))) found.push(match[1]);
    if (formula.slice(TOKEN.lastIndex).trim()) throw new Error("cannot read formula " + formula);
    return found;
  }

  function compile(formula) {
    if (compiled[formula]) return compiled[formula];
    var list = tokens(formula), at = 0;
    function peek() { return list[at]; }
    function take(expected) {
      var token = list[at++];
      if (expected !== undefined && token !== expected) throw new Error("expected " + expected);
      return token;
    }
    function sum() {
      var node = product();
      while (peek() === "+" || peek() === "-") {
        var op = take(), left = node, right = product();
        node = op === "+" ? add(left, right) : sub(left, right);
      }
      return node;
    }
    function add(a, b) { return function (v) { return a(v) + b(v); }; }
    function sub(a, b) { return function (v) { return a(v) - b(v); }; }
    function product() {
      var node = unary();
      while (peek() === "*" || peek() === "/") {
        var op = take(), left = node, right = unary();
        node = op === "*" ? mul(left, right) : div(left, right);
      }
      return node;
    }
    function mul(a, b) { return function (v) { return a(v) * b(v); }; }
    function div(a, b) { return function (v) { return a(v) / b(v); }; }
    function unary() {
      if (peek() === "-") { take(); var inner = unary(); return function (v) { return -inner(v); }; }
      if (peek() === "+") { take(); return unary(); }
      return power();
    }
    function power() {
      var base = atom();
      if (peek() === "**") {
        take();
        var exponent = unary();   // right-associative; -x on the right is allowed, as in Python
        return function (v) { return Math.pow(base(v), exponent(v)); };
      }
      return base;
    }
    function atom() {
      var token = take();
      if (token === "(") { var inner = sum(); take(")"); return inner; }
      if (/^\d/.test(token)) { var number = Number(token); return function () { return number; }; }
      if (FUNCTIONS.hasOwnProperty(token) && peek() === "(") {
        take("("); var argument = sum(); take(")");
        var f = FUNCTIONS[token];
        return function (v) { return f(argument(v)); };
      }
      return function (v) {
        if (!Object.prototype.hasOwnProperty.call(v, token)) throw new Error("unknown name " + token);
        return v[token];
      };
    }
    var tree = sum();
    if (at !== list.length) throw new Error("cannot read formula " + formula);
    compiled[formula] = tree;
    return tree;
  }

  /* The value of a formula with the names in `values` ({name: number}). */
  function valueOf(formula, values) { return compile(formula)(values); }

  return { tokens: tokens, compile: compile, valueOf: valueOf };
})();
