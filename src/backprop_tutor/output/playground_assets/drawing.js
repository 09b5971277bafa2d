/* Pictures of the playground: the network with its numbers (SVG) and the training charts (canvas). */
"use strict";

var BackpropDrawing = (function () {
  var SVG = "http://www.w3.org/2000/svg";
  var COLUMN = 340, ROW = 150, CARD = 120, LINE = 16, LEFT = 20, TOP = 20;
  var BLUE = [0, 114, 178], ORANGE = [230, 159, 0];   // Okabe-Ito: output 0 and output 1
  var LINES = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9"];

  function svg(tag, attributes, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attributes).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* The network: one card per unit with its net, out, δ and bias; each edge with its weight,
   * gradient and new value. `shown(name)` says whether a quantity is revealed yet;
   * `number(name)` writes its value. Every number carries data-name, for highlighting. */
  function network(file, shown, number) {
    var W = BackpropWorksheet, sizes = W.sizes(file), units = W.unitNames(sizes);
    var weights = W.weightNames(sizes), tall = Math.max.apply(null, sizes);
    var width = LEFT + COLUMN * (sizes.length - 1) + CARD + 140, height = TOP + ROW * tall + 10;
    var root = svg("svg", { viewBox: "0 0 " + width + " " + height, role: "img",
                            "aria-labelledby": "drawing-caption" });
    var place = {};   // the centre of each unit's card
    units.forEach(function (layer, c) {
      var offset = TOP + (tall - layer.length) * ROW / 2 + ROW / 2;
      layer.forEach(function (unit, r) { place[unit] = [LEFT + CARD / 2 + c * COLUMN, offset + r * ROW]; });
    });
    // Lines of numbers per edge that still fit: the labels of a layer are ROW / (sources + 1) apart.
    var sources = Math.max.apply(null, sizes.slice(0, -1));
    var detail = sources <= 2 ? 3 : sources <= 7 ? 1 : 0;
    function line(x, y, name, label, kind) {
      var text = label + " = " + (shown(name) ? number(name) : "?");
      return svg("text", { x: x.toFixed(1), y: y.toFixed(1), class: kind, "data-name": name }, text);
    }
    weights.forEach(function (layer, l) {
      layer.forEach(function (row, r) {
        row.forEach(function (name, c) {
          var a = place[units[l][c]], b = place[units[l + 1][r]];
          var x1 = a[0] + CARD / 2, x2 = b[0] - CARD / 2;
          root.appendChild(svg("line", { x1: x1, y1: a[1], x2: x2, y2: b[1], class: "edge", "data-name": name }));
          if (!detail) return;
          // Every edge of a layer is labelled the same fraction t = S / (S + 1) of the way
          // (S sources): the edge from source c into target r is then at height
          // (c + S·r)·ROW/(S + 1) there, so no two labels meet, crossing edges included.
          var t = row.length / (row.length + 1);
          var x = x1 + (x2 - x1) * t, y = a[1] + (b[1] - a[1]) * t + (detail === 3 ? -12 : 4);
          root.appendChild(line(x, y, name, name, "weight"));
          if (detail === 3) {
            root.appendChild(line(x, y + LINE, "dE_d" + name, "∂E/∂" + name, "gradient"));
            root.appendChild(line(x, y + 2 * LINE, name + "_new", name + "⁺", "new"));
          }
        });
      });
    });
    units.forEach(function (layer, l) {
      layer.forEach(function (unit, r) {
        var x = place[unit][0], y = place[unit][1];
        var rows = l === 0 ? [] : [["net_" + unit, "net"], ["out_" + unit, "out"], ["delta_" + unit, "δ"]];
        if (l > 0 && file.layers[l - 1].biases) rows.push(["b_" + unit, "b"], ["b_" + unit + "_new", "b⁺"]);
        if (l === 0) rows.push([unit, unit]);
        var h = LINE * (rows.length + 1) + 10, top = y - h / 2;
        root.appendChild(svg("rect", { x: x - CARD / 2, y: top, width: CARD, height: h, rx: 8, class: "unit" }));
        root.appendChild(svg("text", { x: x, y: top + LINE, class: "name" }, unit));
        rows.forEach(function (row, k) {
          root.appendChild(line(x - CARD / 2 + 8, top + LINE * (k + 2), row[0], row[1], "value"));
        });
        if (l === units.length - 1) {
          root.appendChild(line(x + CARD / 2 + 8, y - 4, "t" + (r + 1), "t" + (r + 1), "value"));
          root.appendChild(line(x + CARD / 2 + 8, y + 12, "E_" + unit, "E_" + unit, "value"));
        }
      });
    });
    var last = place[units[units.length - 1][units[units.length - 1].length - 1]];
    root.appendChild(line(last[0] + CARD / 2 + 8, last[1] + 28, "E", "E", "total"));
    return root;
  }

  /* ------------------------------------------------------------ canvas charts */

  function clear(canvas) {
    var context = canvas.getContext("2d");
    context.clearRect(0, 0, canvas.width, canvas.height);
    return context;
  }

  /* The network's output over the plane of the two inputs, with the data on top (no predict: blank). */
  function boundary(canvas, predict, data, box) {
    var context = clear(canvas), cells = 40, image = context.createImageData(cells, cells);
    if (!predict) return;
    var grid = [];
    for (var j = 0; j < cells; j++) {
      for (var i = 0; i < cells; i++) {
        grid.push([box.x0 + (i + 0.5) / cells * (box.x1 - box.x0),
                   box.y1 - (j + 0.5) / cells * (box.y1 - box.y0)]);
      }
    }
    predict(grid).forEach(function (row, k) {
      var v = Math.min(1, Math.max(0, row[0])), colour = v < 0.5 ? BLUE : ORANGE;
      var strength = isFinite(v) ? Math.abs(v - 0.5) * 1.6 : 0;   // white at 0.5, the boundary
      for (var ch = 0; ch < 3; ch++) image.data[4 * k + ch] = 255 - strength * (255 - colour[ch]);
      image.data[4 * k + 3] = 255;
    });
    var small = document.createElement("canvas");
    small.width = small.height = cells;
    small.getContext("2d").putImageData(image, 0, 0);
    context.imageSmoothingEnabled = true;
    context.drawImage(small, 0, 0, canvas.width, canvas.height);
    function dots(rows, filled) {
      rows.X.forEach(function (x, n) {
        var px = (x[0] - box.x0) / (box.x1 - box.x0) * canvas.width;
        var py = (box.y1 - x[1]) / (box.y1 - box.y0) * canvas.height;
        context.beginPath();
        context.arc(px, py, 4.5, 0, 2 * Math.PI);
        var colour = "rgb(" + (rows.T[n][0] >= 0.5 ? ORANGE : BLUE).join(",") + ")";
        context.fillStyle = filled ? colour : "#fff";
        context.strokeStyle = filled ? "#222" : colour;
        context.lineWidth = filled ? 1 : 2;
        context.fill();
        context.stroke();
      });
    }
    dots(data, true);
    if (data.validation) dots(data.validation, false);
  }

  /* Lines over the epochs on a log scale: series is [{values, colour, dashed}]. */
  function curves(canvas, series, epochs) {
    var context = clear(canvas), w = canvas.width, h = canvas.height, pad = 44;
    var logs = [];
    series.forEach(function (s) {
      s.values.forEach(function (v) { if (v > 0 && isFinite(v)) logs.push(Math.log10(v)); });
    });
    context.strokeStyle = "#999";
    context.strokeRect(pad, 6, w - pad - 6, h - pad);
    if (!logs.length) return;
    var low = Math.floor(Math.min.apply(null, logs)), high = Math.ceil(Math.max.apply(null, logs));
    if (high === low) high = low + 1;
    function x(epoch) { return pad + epoch / Math.max(1, epochs) * (w - pad - 6); }
    function y(v) { return 6 + (high - Math.log10(v)) / (high - low) * (h - pad); }
    context.fillStyle = "#333";
    context.font = "15px system-ui, sans-serif";
    context.fillText("1e" + high, 2, 18);
    context.fillText("1e" + low, 2, h - pad + 4);
    context.fillText("0", pad, h - pad + 22);
    context.textAlign = "right";
    context.fillText(epochs + " epochs", w - 6, h - pad + 22);
    context.textAlign = "left";
    series.forEach(function (s) {
      context.strokeStyle = s.colour;
      context.lineWidth = 2;
      context.setLineDash(s.dashed ? [5, 4] : []);
      context.beginPath();
      var drawing = false;
      s.values.forEach(function (v, epoch) {
        if (!(v > 0 && isFinite(v))) { drawing = false; return; }
        if (drawing) context.lineTo(x(epoch), y(v)); else context.moveTo(x(epoch), y(v));
        drawing = true;
      });
      context.stroke();
    });
    context.setLineDash([]);
  }

  return { network: network, boundary: boundary, curves: curves, colours: LINES };
})();
