/* Marking in the browser: the same rule as teaching/marking.py, on the same formulas.
 *
 * The page's data (written by output/page.py) holds every worksheet line with
 * its formula string and its slip formulas; this file evaluates formula strings
 * (formulas.js) from the student's own numbers and applies the one precision rule.
 * A test (tests/test_page_marking.py) holds its verdicts and hints to Python's.
 */
"use strict";

var BackpropMarking = (function () {
  var VERDICTS = ["wrong", "imprecise", "right"];
  var valueOf = BackpropFormulas.valueOf;   // formulas.js: the shared evaluator

  var WRITTEN = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

  /* An answer as written: value, significant figures, unit of the last digit; null if no number. */
  function written(text) {
    text = String(text).trim().replace(/\u2212/g, "-");
    var match = WRITTEN.exec(text);
    if (!match || !(match[2] || match[3])) return null;
    var value = Number(text);
    if (!isFinite(value)) return null;
    var digits = (match[2] + (match[3] || "")).replace(/^0+/, "");
    var unitExponent = parseInt(match[4] || "0", 10) - (match[3] || "").length;
    return { text: text, value: value, sigFigs: digits.length, unitExponent: unitExponent,
             unit: Number("1e" + unitExponent) };
  }

  function judge(answer, value, sigFigs, old, decimals) {
    if (value === null || !isFinite(value)) return ["wrong", "no finite value"];
    var difference = Math.abs(answer.value - value), slack = 1e-9 * Math.abs(value), rule;
    if (difference <= slack) return ["right", "exact"];
    if (old !== null && old !== undefined && answer.value === old) return ["wrong", "old value"];
    if (answer.value === 0) return ["wrong", "zero"];
    if (difference <= 0.5 * answer.unit + slack) rule = "rounded";
    else if (difference < answer.unit + slack && Math.abs(answer.value) < Math.abs(value)
             && (answer.value > 0) === (value > 0)) rule = "truncated";
    else return ["wrong", "not close"];
    var hasDecimals = decimals !== null && decimals !== undefined;
    if (answer.sigFigs < sigFigs && (!hasDecimals || -answer.unitExponent < decimals)) {
      // Unwritten trailing zeros: 0.65 for 0.65004 is 0.650, the value to 3 figures.
      var padded = Number("1e" + (answer.unitExponent - (sigFigs - answer.sigFigs)));
      if (hasDecimals) padded = Math.max(padded, Math.pow(10, -decimals));
      if (rule === "rounded" && difference <= 0.5 * padded + slack) return ["right", rule];
      return ["imprecise", "too imprecise"];
    }
    return ["right", rule];
  }

  /* Ties away from zero, as Python's Decimal ROUND_HALF_UP in teaching/marking.py. */
  function roundHalfUp(value, decimals) {
    if (!isFinite(value) || Math.abs(value) >= 1e21) return value;
    return Number(value.toFixed(decimals));
  }

  function either(hints) {
    if (hints.length < 2) return hints.join("");
    return "either " + hints.slice(0, -1).join(", or ") + ", or " + hints[hints.length - 1];
  }

  function better(a, b) {   // Python's max(a, b, key=rank): the first on a tie
    return VERDICTS.indexOf(b[0]) > VERDICTS.indexOf(a[0]) ? b : a;
  }

  /* Mark answers {name: text} line by line with follow-through, as mark_lines in Python. */
  function markLines(lines, given, exact, answers, sigFigs, decimals) {
    var own = Object.assign({}, given), roots = {}, marks = [], computed = {};
    var hasDecimals = decimals !== null && decimals !== undefined;
    var asYouGo = Object.assign({}, given);   // every unwritten value rounded to decimals
    lines.forEach(function (line) { computed[line.name] = true; });
    lines.forEach(function (line) {
      var expected = valueOf(line.formula, own);
      own[line.name] = expected;
      if (hasDecimals) asYouGo[line.name] = roundHalfUp(valueOf(line.formula, asYouGo), decimals);
      var workedFrom = [];
      line.depends.forEach(function (d) {
        (roots[d] || []).forEach(function (r) { if (workedFrom.indexOf(r) < 0) workedFrom.push(r); });
      });
      roots[line.name] = workedFrom;
      if (!Object.prototype.hasOwnProperty.call(answers, line.name)) return;
      var exactValue = exact[line.name];
      var answer = written(answers[line.name]);
      if (answer === null) {
        marks.push({ name: line.name, answer: null, expected: expected, exact: exactValue,
                     right: false, hint: "", verdict: "wrong", rule: "not a number",
                     follows_from: [], slips: [] });
        return;
      }
      var old = line.old ? given[line.old] : null;
      var byOwn = judge(answer, expected, sigFigs, old, decimals);
      var byExact = judge(answer, exactValue, sigFigs, old, decimals);
      if (hasDecimals && judge(answer, asYouGo[line.name], sigFigs, old, decimals)[0] === "right") {
        byOwn = better(byOwn, ["right", "rounded as you go"]);
      }
      var result = (byExact[0] === "right" || byExact[1] === "zero") ? byExact : better(byOwn, byExact);
      var verdict = result[0], rule = result[1];
      var follows = verdict === "right" && byExact[0] !== "right" ? workedFrom : [];
      var keys = [], hints = [];
      // A slip explains an answer that departs from the student's own numbers only.
      if (verdict === "wrong" && byOwn[0] !== "right" && rule !== "no finite value") {
        line.slips.forEach(function (slip) {
          var values = own;
          if (slip.round_to !== null) {
            values = Object.assign({}, own);
            line.depends.forEach(function (d) {
              if (computed[d]) values[d] = roundHalfUp(own[d], slip.round_to);
            });
          }
          if (judge(answer, valueOf(slip.formula, values), sigFigs, null)[0] === "right") {
            if (keys.indexOf(slip.key) < 0) keys.push(slip.key);
            if (hints.indexOf(slip.hint) < 0) hints.push(slip.hint);
          }
        });
      }
      marks.push({ name: line.name, answer: answer.value, expected: expected, exact: exactValue,
                   right: verdict === "right", hint: either(hints), verdict: verdict, rule: rule,
                   follows_from: follows, slips: keys });
      roots[line.name] = verdict !== "right" ? [line.name] : follows;
      own[line.name] = answer.value;
      asYouGo[line.name] = answer.value;
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

  return { valueOf: valueOf, written: written, judge: judge, markLines: markLines,
           slipSummary: slipSummary, roundHalfUp: roundHalfUp };
})();
