/* Marking in the browser: the same rule as teaching/marking.py, on the same formulas.
 *
 * The page's data (written by output/page.py) holds every worksheet line with
 * its formula string and its slip formulas; this file evaluates formula strings
 * (with formulas.js, the evaluator shared with the playground) from the
 * student's own numbers and applies the one rounding rule:
 * on floats for the exact and own values (teaching/precision.py), and in
 * exact decimal arithmetic for the values worked by hand, rounded as you go
 * (teaching/rounding.py): decimals are BigInt digits m and an exponent e, the
 * number m·10^e; sums and products are exact, a quotient, σ and tanh are
 * worked to WORK_DIGITS digits; a tie rounds away from zero.
 * A test (tests/test_page.py) holds its verdicts and hints to Python's.
 */
"use strict";

var BackpropMarking = (function () {
  var VERDICTS = ["wrong", "imprecise", "right"];
  var RULE_MERIT = { truncated: 1, "rounded as you go": 2, rounded: 3, exact: 4 };
  var SLIP_FIGURES = 2, WORK_DIGITS = 120, SATURATION = 700, DEFAULT_DECIMALS = 4;

  // ---- decimals ------------------------------------------------------------------------------

  var NUMBER = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
  var ZERO = { m: 0n, e: 0 }, ONE = { m: 1n, e: 0 };

  /* A number as the decimal it is written as: a float by its shortest text (0.3). */
  function decimalOf(x) {
    var match = NUMBER.exec(typeof x === "number" ? String(x) : x);
    var fraction = match[3] || "";
    var m = BigInt((match[2] + fraction) || "0");
    return { m: match[1] === "-" ? -m : m, e: parseInt(match[4] || "0", 10) - fraction.length };
  }
  function pow10(n) { return 10n ** BigInt(n); }
  function digits(m) { return (m < 0n ? -m : m).toString().length; }
  function aligned(a, b) {     // both at the smaller exponent
    var e = Math.min(a.e, b.e);
    return [a.m * pow10(a.e - e), b.m * pow10(b.e - e), e];
  }
  function add(a, b) { var x = aligned(a, b); return { m: x[0] + x[1], e: x[2] }; }
  function sub(a, b) { var x = aligned(a, b); return { m: x[0] - x[1], e: x[2] }; }
  function mul(a, b) { return { m: a.m * b.m, e: a.e + b.e }; }
  function neg(a) { return { m: -a.m, e: a.e }; }
  function compare(a, b) { var x = aligned(a, b); return x[0] < x[1] ? -1 : x[0] > x[1] ? 1 : 0; }
  function toNumber(a) { return Number(a.m.toString() + "e" + a.e); }

  /* a / b to at least WORK_DIGITS digits; an inexact quotient gets a last digit 1 (sticky),
   * so that it never looks like an exact tie. */
  function div(a, b) {
    if (a.m === 0n) return ZERO;
    var k = Math.max(0, WORK_DIGITS + 1 + digits(b.m) - digits(a.m));
    var n = a.m * pow10(k), q = n / b.m, e = a.e - b.e - k;
    if (n % b.m !== 0n) { q = q * 10n + (q < 0n ? -1n : 1n); e -= 1; }
    return { m: q, e: e };
  }

  /* a rounded to a multiple of 10^exponent, a tie away from zero. */
  function roundAt(a, exponent) {
    if (a.e >= exponent) return a;
    var p = pow10(exponent - a.e), m = a.m < 0n ? -a.m : a.m;
    var q = m / p;
    if (2n * (m - q * p) >= p) q += 1n;
    return { m: a.m < 0n ? -q : q, e: exponent };
  }

  /* e^x for 0 <= x <= 2 * SATURATION: x halved s times to below 0.001, Taylor's series in
   * fixed point (130 digits), then squared s times. */
  function exp(x) {
    var P = 130, unit = pow10(P), s = 0;
    while (toNumber(x) / Math.pow(2, s) > 1e-3) s++;
    var scaled = x.m * unit, shift = x.e;
    var X = shift >= 0 ? scaled * pow10(shift) / (2n ** BigInt(s))
                       : scaled / (pow10(-shift) * (2n ** BigInt(s)));
    var sum = unit, term = unit;
    for (var k = 1n; term !== 0n; k++) { term = term * X / unit / k; sum += term; }
    for (var i = 0; i < s; i++) sum = sum * sum / unit;
    return { m: sum, e: -P };
  }
  function saturated(x) { return compare(x.m < 0n ? neg(x) : x, { m: BigInt(SATURATION), e: 0 }) > 0; }
  function sigmoid(x) {       // σ(x) = e^x / (e^x + 1) = 1 / (1 + e^(−x))
    if (saturated(x)) return x.m > 0n ? ONE : ZERO;
    var E = exp(x.m < 0n ? neg(x) : x);
    return x.m >= 0n ? div(E, add(E, ONE)) : div(ONE, add(ONE, E));
  }
  function tanh(x) {          // tanh(x) = (e^(2x) − 1) / (e^(2x) + 1)
    if (saturated(x)) return x.m > 0n ? ONE : neg(ONE);
    var E = exp(mul({ m: 2n, e: 0 }, x.m < 0n ? neg(x) : x));
    var t = div(sub(E, ONE), add(E, ONE));
    return x.m < 0n ? neg(t) : t;
  }

  /* The rounding rule: {kind: "decimals" | "sig_figs", digits}. */
  function ruleOf(sigFigs, decimals) {
    if (decimals !== null && decimals !== undefined) return { kind: "decimals", digits: decimals };
    if (sigFigs !== null && sigFigs !== undefined) return { kind: "sig_figs", digits: sigFigs };
    return { kind: "decimals", digits: DEFAULT_DECIMALS };
  }
  function ruleExponent(rule, value) {     // the place of the last digit the rule keeps
    if (rule.kind === "decimals" || value.m === 0n) return -rule.digits;
    return digits(value.m) - 1 + value.e - rule.digits + 1;
  }
  function ruleRound(rule, value) { return roundAt(value, ruleExponent(rule, value)); }

  // ---- formulas --------------------------------------------------------------------------------

  var DECIMALS = {
    number: decimalOf, add: add, sub: sub, mul: mul, div: div, neg: neg,
    pow: function (a, n) {       // x**2 of the worksheet: a product
      var result = ONE;
      for (var k = 0; k < toNumber(n); k++) result = mul(result, a);
      return result;
    },
    functions: {
      sigmoid: sigmoid, tanh: tanh,
      relu: function (x) { return x.m > 0n ? x : ZERO; },
      step: function (x) { return x.m > 0n ? ONE : ZERO; },
    },
  };

  var F = BackpropFormulas, has = F.has;   // formulas.js: the evaluator shared with the playground

  function valueOf(formula, values, overlay) { return F.valueOf(formula, values, overlay); }
  function exactValue(formula, values, overlay) { return F.compile(formula, DECIMALS)(values, overlay); }

  // ---- the precision rule (teaching/precision.py) ------------------------------------------------

  /* An answer as written: value, significant figures, unit of the last digit; null if no number.
   * One decimal comma and no point (0,475) is read as a decimal point. */
  function written(text) {
    text = String(text).trim().replace(/\u2212/g, "-");
    var comma = text.split(",").length === 2 && text.indexOf(".") < 0;
    if (comma) text = text.replace(",", ".");
    var match = NUMBER.exec(text);
    if (!match || !(match[2] || match[3])) return null;
    var value = Number(text);
    var figures = (match[2] + (match[3] || "")).replace(/^0+/, "");
    if (!isFinite(value) || (value === 0 && figures)) return null;
    var unitExponent = parseInt(match[4] || "0", 10) - (match[3] || "").length;
    return { text: text, value: value, sigFigs: figures.length, unitExponent: unitExponent,
             unit: Number("1e" + unitExponent), comma: comma, decimal: decimalOf(text) };
  }

  function truncates(answer, value, difference, slack) {
    return difference < answer.unit + slack && Math.abs(answer.value) < Math.abs(value)
      && (answer.value > 0) === (value > 0);
  }

  function judge(answer, value, rule, old) {
    if (value === null || !isFinite(value)) return ["wrong", "no finite value"];
    var difference = Math.abs(answer.value - value), slack = 1e-9 * Math.abs(value), how;
    if (difference <= slack) return ["right", "exact"];
    if (old !== null && old !== undefined && answer.value === old) return ["wrong", "old value"];
    // 0 is right only where the rule rounds the value to 0
    if (answer.value === 0 && ruleRound(rule, decimalOf(value)).m !== 0n) return ["wrong", "zero"];
    if (difference <= 0.5 * answer.unit + slack) how = "rounded";
    else if (truncates(answer, value, difference, slack)) how = "truncated";
    else return ["wrong", "not close"];
    var needed = ruleExponent(rule, decimalOf(value));
    if (answer.unitExponent <= needed) return ["right", how];
    // Fewer digits than the rule keeps: right if the unwritten ones are zeros.
    if (how === "rounded" && difference <= 0.5 * Number("1e" + needed) + slack) return ["right", how];
    return ["imprecise", "too imprecise"];
  }

  function roundsTo(answer, value, rule) {
    var exponent = Math.min(answer.unitExponent, ruleExponent(rule, value));
    return compare(roundAt(value, exponent), answer.decimal) === 0;
  }

  function matches(answer, value) {   // at the precision written, 2 significant figures or more
    if (value === null || !isFinite(value)) return false;
    var difference = Math.abs(answer.value - value), slack = 1e-9 * Math.abs(value);
    return difference <= slack || (answer.sigFigs >= SLIP_FIGURES &&
      (difference <= 0.5 * answer.unit + slack || truncates(answer, value, difference, slack)));
  }

  // ---- marking (teaching/marking.py) ----------------------------------------------------------

  function either(hints) {
    if (hints.length < 2) return hints.join("");
    return "either " + hints.slice(0, -1).join(", or ") + ", or " + hints[hints.length - 1];
  }

  function better(a, b) {   // Python's max(..., key=(verdict, rule merit)): the first on a tie
    var rank = function (v) { return [VERDICTS.indexOf(v[0]), RULE_MERIT[v[1]] || 0]; };
    var x = rank(a), y = rank(b);
    return y[0] > x[0] || (y[0] === x[0] && y[1] > x[1]) ? b : a;
  }

  function workedByHand(answer, line, hand, unrounded, rule) {
    if (roundsTo(answer, unrounded[line.name], rule)) return true;
    var kept = {}, any = false;
    line.depends.forEach(function (d) { if (has(unrounded, d)) { kept[d] = unrounded[d]; any = true; } });
    return any && roundsTo(answer, exactValue(line.formula, hand, kept), rule);
  }

  function slipsGiving(answer, line, own, hand, computed) {
    return line.slips.filter(function (slip) {
      var value, byHand = null;
      if (slip.round_to === null) {
        value = valueOf(slip.formula, own);
        byHand = exactValue(slip.formula, hand);
      } else {
        var reads = line.depends.filter(function (d) { return computed[d]; }), early = {};
        if (!reads.every(function (d) { return isFinite(own[d]); })) return false;
        reads.forEach(function (d) { early[d] = toNumber(roundAt(decimalOf(own[d]), -slip.round_to)); });
        value = valueOf(slip.formula, own, early);
      }
      return matches(answer, value) || (byHand !== null && answer.sigFigs >= SLIP_FIGURES &&
        compare(roundAt(byHand, answer.unitExponent), answer.decimal) === 0);
    });
  }

  /* Mark answers {name: text} line by line with follow-through, as mark_lines in Python.
   * The rule: decimals places as you go, else sigFigs significant figures, else 4 decimals. */
  function markLines(lines, given, exact, answers, sigFigs, decimals) {
    var rule = ruleOf(sigFigs, decimals);
    var own = Object.assign({}, given), hand = {}, unrounded = {}, roots = {}, marks = [], computed = {};
    Object.keys(given).forEach(function (name) { hand[name] = decimalOf(given[name]); });
    lines.forEach(function (line) { computed[line.name] = true; });
    lines.forEach(function (line) {
      var expected = valueOf(line.formula, own);
      own[line.name] = expected;
      unrounded[line.name] = exactValue(line.formula, hand);
      hand[line.name] = ruleRound(rule, unrounded[line.name]);
      var workedFrom = [];
      line.depends.forEach(function (d) {
        (roots[d] || []).forEach(function (r) { if (workedFrom.indexOf(r) < 0) workedFrom.push(r); });
      });
      roots[line.name] = workedFrom;
      if (!has(answers, line.name)) return;
      var exactOfLine = exact[line.name];
      var answer = written(answers[line.name]);
      if (answer === null) {
        marks.push({ name: line.name, answer: null, expected: expected, exact: exactOfLine,
                     right: false, hint: "", verdict: "wrong", rule: "not a number",
                     follows_from: [], slips: [], note: "" });
        return;
      }
      var old = line.old ? given[line.old] : null;
      var byOwn = judge(answer, expected, rule, old);
      var byExact = judge(answer, exactOfLine, rule, old);
      var result = better(byOwn, byExact);
      if (workedByHand(answer, line, hand, unrounded, rule)) result = better(result, ["right", "rounded as you go"]);
      if (byExact[1] === "zero") result = byExact;   // 0 for a non-zero quantity is never right
      var verdict = result[0], how = result[1];
      var follows = verdict === "right" && byExact[0] !== "right" ? workedFrom : [];
      var keys = [], hints = [];
      // A slip explains an answer that departs from the student's own numbers only.
      if (verdict === "wrong" && byOwn[0] !== "right" && how !== "no finite value") {
        slipsGiving(answer, line, own, hand, computed).forEach(function (slip) {
          if (keys.indexOf(slip.key) < 0) keys.push(slip.key);
          if (hints.indexOf(slip.hint) < 0) hints.push(slip.hint);
        });
      }
      marks.push({ name: line.name, answer: answer.value, expected: expected, exact: exactOfLine,
                   right: verdict === "right", hint: either(hints), verdict: verdict, rule: how,
                   follows_from: follows, slips: keys,
                   note: answer.comma ? "read as " + answer.text + ": write a decimal point, not a comma" : "" });
      // An imprecise answer is not a wrong one: what is worked from it follows from nothing.
      roots[line.name] = verdict === "wrong" ? [line.name] : follows;
      own[line.name] = answer.value;
      hand[line.name] = answer.decimal;
      delete unrounded[line.name];
    });
    return marks;
  }

  function slipSummary(marks, slips) {
    var wrong = marks.filter(function (m) { return m.verdict === "wrong"; });
    var best = null, bestCount = 0;
    Object.keys(slips).forEach(function (key) {
      var count = wrong.filter(function (m) { return m.slips.indexOf(key) >= 0; }).length;
      if (count > bestCount) { best = key; bestCount = count; }
    });
    return best === null ? null
      : { slip: best, description: slips[best], explains: bestCount, wrong: wrong.length };
  }

  /* The summary in words, as slip_sentence in Python: "most" only for more than half. */
  function slipSentence(s) {
    if (s.wrong === 1) return "The slip behind your wrong answer: " + s.description + ".";
    if (s.explains === s.wrong)
      return "The slip behind all " + s.wrong + " of your wrong answers: " + s.description + ".";
    if (2 * s.explains > s.wrong)
      return "The slip behind most of your wrong answers (" + s.explains + " of " + s.wrong +
        "): " + s.description + ".";
    return "The slip behind " + s.explains + " of your " + s.wrong + " wrong answers: " +
      s.description + ".";
  }

  /* Exposed for the tests: decimals as text, rounded as the rule rounds them. */
  function roundDecimal(text, exponent) {
    var r = roundAt(decimalOf(text), exponent);
    return r.m.toString() + "e" + r.e;
  }

  return { valueOf: valueOf, exactValue: exactValue, written: written, judge: judge,
           markLines: markLines, slipSummary: slipSummary, slipSentence: slipSentence,
           roundDecimal: roundDecimal, functions: DECIMALS.functions, decimalOf: decimalOf };
})();
