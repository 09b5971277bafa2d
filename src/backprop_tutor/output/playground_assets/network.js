/* The network of Problem 3 in the browser: networks/numpy_network.py, line for line, in JavaScript.
 *
 * It takes a batch of samples at once: X has one row per sample (n × inputs),
 * T one row of targets per sample (n × outputs). For layer l with weight
 * matrix W (row r = the weights into unit r), bias vector b and activation f:
 *
 *   forward    net = A_prev W^T + b                  A = f(net)        one row per sample
 *   output     delta_L = c * (A_L - T) * f'(net_L) / n                c = 1 (half_sse), 2/K (mse)
 *   hidden     delta_l = (delta_next W_next) * f'(net_l)
 *   gradients  dE/dW = delta^T A_prev                  dE/db = sum of delta over the samples
 *   SGD        W <- W - eta * dE/dW                    b <- b - eta * dE/db
 *
 * E of a batch is the mean of the per-sample E, so its gradient is the mean
 * of the per-sample gradients: that is the 1/n in delta_L. The backward pass
 * uses the weights from before the update. f and f' are the worksheet's own
 * formulas (sigmoid' = out * (1 - out), ...), copied from core/activations.py
 * into the page and evaluated by formulas.js. A test holds the losses and
 * weights of training here equal to `backprop-tutor train` to 1e-9.
 * Matrices are arrays of rows; numbers are JavaScript's float64, as NumPy's.
 */
"use strict";

var BackpropNetwork = (function () {
  /* Training stops as diverged when the loss exceeds this multiple of its start (numpy_network). */
  var DIVERGED_FACTOR = 1e6;

  /* An activation from the registry: f(net) and f'(net, out) as compiled formulas. */
  function activation(formulas) {
    var f = BackpropFormulas.compile(formulas.output.replace(/\{net\}/g, "net"));
    var df = BackpropFormulas.compile(formulas.derivative.replace(/\{(net|out)\}/g, "$1"));
    var scratch = { net: 0, out: 0 };   // one object reused: no allocation per number
    return {
      f: function (net) { scratch.net = net; return f(scratch); },
      df: function (net, out) { scratch.net = net; scratch.out = out; return df(scratch); },
    };
  }

  /* A network file's network (its layers and loss) to train; `registry` is the page's data. */
  function Network(file, registry) {
    this.loss = file.loss;
    this.lossData = registry.losses[file.loss];
    this.layers = file.layers.map(function (layer) {
      return {
        W: layer.weights.map(function (row) { return row.slice(); }),
        b: layer.biases ? layer.biases.slice() : null,
        trainBiases: layer.train_biases !== false,
        activation: activation(registry.activations[layer.activation]),
      };
    });
  }

  /* Weighted sums and outputs of every layer: nets[l] of layer l + 1, outs[0] = X, outs[l + 1] = f(nets[l]). */
  Network.prototype.forward = function (X) {
    var nets = [], outs = [X];
    this.layers.forEach(function (layer) {
      var A = outs[outs.length - 1], net = [], out = [];
      for (var n = 0; n < A.length; n++) {
        var netRow = [], outRow = [];
        for (var r = 0; r < layer.W.length; r++) {
          var sum = 0, w = layer.W[r];
          for (var c = 0; c < w.length; c++) sum += A[n][c] * w[c];
          if (layer.b) sum += layer.b[r];
          netRow.push(sum);
          outRow.push(layer.activation.f(sum));
        }
        net.push(netRow);
        out.push(outRow);
      }
      nets.push(net);
      outs.push(out);
    });
    return { nets: nets, outs: outs };
  };

  Network.prototype.predict = function (X) {
    var outs = this.forward(X).outs;
    return outs[outs.length - 1];
  };

  /* E of a batch: the mean over its samples of E = (1/d) * sum_k (t_k - out_k)**2, d = 2 or K. */
  Network.prototype.meanLoss = function (out, T) {
    var divisor = this.lossData.divisor[T[0].length - 1], total = 0;
    for (var n = 0; n < out.length; n++) {
      var squares = 0;
      for (var k = 0; k < T[n].length; k++) {
        var error = T[n][k] - out[n][k];
        squares += error * error;
      }
      total += squares / divisor;
    }
    return total / out.length;
  };

  /* Gradients of the batch's E from a forward pass: {W: dE/dW per layer, b: dE/db per layer}. */
  Network.prototype.backward = function (pass, T) {
    var layers = this.layers, L = layers.length, outs = pass.outs, nets = pass.nets;
    var out = outs[L], n = out.length, K = out[0].length;
    var factor = this.lossData.factor[K - 1] / n;
    // delta at the outputs: c/n * (out - t) * f'(net), one row per sample
    var delta = [], last = layers[L - 1].activation;
    for (var s = 0; s < n; s++) {
      var row = [];
      for (var k = 0; k < K; k++) row.push(factor * (out[s][k] - T[s][k]) * last.df(nets[L - 1][s][k], out[s][k]));
      delta.push(row);
    }
    var gradW = [], gradB = [];
    for (var l = L - 1; l >= 0; l--) {
      var A = outs[l], W = layers[l].W, dW = [], db = [];
      for (var r = 0; r < W.length; r++) {
        var gradients = [], sumDelta = 0;
        for (var c = 0; c < W[r].length; c++) {
          var sum = 0;
          for (s = 0; s < n; s++) sum += delta[s][r] * A[s][c];
          gradients.push(sum);
        }
        for (s = 0; s < n; s++) sumDelta += delta[s][r];
        dW.push(gradients);
        db.push(sumDelta);
      }
      gradW[l] = dW;
      gradB[l] = db;
      if (l > 0) delta = backOneLayer(delta, W, nets[l - 1], outs[l], layers[l - 1].activation);
    }
    return { W: gradW, b: gradB };
  };

  /* delta of the layer below: (delta W) * f'(net), the weights from before the update. */
  function backOneLayer(delta, W, net, out, activation) {
    var below = [];
    for (var s = 0; s < net.length; s++) {
      var row = [];
      for (var c = 0; c < net[s].length; c++) {
        var sum = 0;
        for (var r = 0; r < W.length; r++) sum += delta[s][r] * W[r][c];
        row.push(sum * activation.df(net[s][c], out[s][c]));
      }
      below.push(row);
    }
    return below;
  }

  /* p <- p - eta * dE/dp for every weight and every trained bias. */
  Network.prototype.update = function (gradients, eta) {
    this.layers.forEach(function (layer, l) {
      layer.W.forEach(function (row, r) {
        for (var c = 0; c < row.length; c++) row[c] -= eta * gradients.W[l][r][c];
      });
      if (layer.b && layer.trainBiases) {
        for (var r = 0; r < layer.b.length; r++) layer.b[r] -= eta * gradients.b[l][r];
      }
    });
  };

  /* One SGD update on a batch; returns E of the batch before it. */
  Network.prototype.sgdStep = function (X, T, eta) {
    var pass = this.forward(X);
    this.update(this.backward(pass, T), eta);
    return this.meanLoss(pass.outs[pass.outs.length - 1], T);
  };

  /* The length of each layer's gradient dE/dW (Frobenius norm): how much each layer learns. */
  function norms(gradients) {
    return gradients.W.map(function (dW) {
      var sum = 0;
      dW.forEach(function (row) { row.forEach(function (g) { sum += g * g; }); });
      return Math.sqrt(sum);
    });
  }

  /* Training as NumpyNetwork.fit, one epoch per call of next(), so that a page can draw between.
   *
   * An epoch is one pass over the rows in order, in batches of `batchSize` (null or >= n:
   * the full batch); the last batch may be smaller. loss[e] is the training loss after e
   * epochs, from a forward pass over the whole set, which full-batch training then uses
   * for its update. A run stops when its loss is not finite or above DIVERGED_FACTOR
   * times its start (divergedAt); otherwise after `epochs` epochs, with epochs + 1 losses.
   */
  function Trainer(network, data, options) {
    this.network = network;
    this.data = data;                       // {X, T, validation: {X, T} or null}
    this.eta = options.eta;
    this.epochs = options.epochs;
    this.batchSize = options.batchSize;
    this.loss = [];
    this.valLoss = data.validation ? [] : null;
    this.gradientNorms = [];                // per epoch: one norm per layer, of the full set's gradient
    this.divergedAt = null;
    this.done = false;
    this.record();
  }

  /* The loss (and the full set's gradient) after the epochs so far; the end of a run? */
  Trainer.prototype.record = function () {
    var net = this.network, pass = net.forward(this.data.X);
    this.gradients = net.backward(pass, this.data.T);
    this.gradientNorms.push(norms(this.gradients));
    this.loss.push(net.meanLoss(pass.outs[pass.outs.length - 1], this.data.T));
    if (this.valLoss) {
      var V = this.data.validation;
      this.valLoss.push(net.meanLoss(net.predict(V.X), V.T));
    }
    var epoch = this.loss.length - 1, E = this.loss[epoch];
    // (A run that starts at E = 0 can only diverge to a non-finite E.)
    if (!isFinite(E) || (E > DIVERGED_FACTOR * this.loss[0] && this.loss[0] > 0)) {
      this.divergedAt = epoch;
      this.done = true;
    } else if (epoch === this.epochs) {
      this.done = true;
    }
  };

  /* Train one epoch, unless the run is over. */
  Trainer.prototype.next = function () {
    if (this.done) return;
    var net = this.network, X = this.data.X, T = this.data.T, n = X.length;
    if (this.batchSize === null || this.batchSize >= n) {
      net.update(this.gradients, this.eta);   // full batch: the gradient of the pass just made
    } else {
      for (var start = 0; start < n; start += this.batchSize) {
        var stop = Math.min(start + this.batchSize, n);
        net.sgdStep(X.slice(start, stop), T.slice(start, stop), this.eta);
      }
    }
    this.record();
  };

  /* Train to the end; the result is shaped like `backprop-tutor train --format json`. */
  Trainer.prototype.run = function () {
    while (!this.done) this.next();
    return this.result();
  };

  Trainer.prototype.result = function () {
    // epoch_loss "full": each loss is the whole training set's (train's --epoch-loss default)
    var result = { epoch_loss: "full", loss: this.loss.slice(0, -1),
                   final_loss: this.loss[this.loss.length - 1], diverged_at: this.divergedAt };
    if (this.valLoss) {
      result.val_loss = this.valLoss.slice(0, -1);
      result.final_val_loss = this.valLoss[this.valLoss.length - 1];
    }
    return result;
  };

  /* Weights drawn like Keras' glorot_uniform, uniform(-l, l) with l = sqrt(6 / (fan_in + fan_out)),
   * from a small seeded generator (mulberry32): the page's own numbers, not NumPy's. Biases 0. */
  function initialised(sizes, activations, seed) {
    var state = seed >>> 0;
    function uniform() {
      state = (state + 0x6D2B79F5) >>> 0;
      var t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    }
    var layers = [];
    for (var l = 1; l < sizes.length; l++) {
      var limit = Math.sqrt(6 / (sizes[l - 1] + sizes[l])), weights = [];
      for (var r = 0; r < sizes[l]; r++) {
        var row = [];
        for (var c = 0; c < sizes[l - 1]; c++) row.push((2 * uniform() - 1) * limit);
        weights.push(row);
      }
      layers.push({ activation: activations[l - 1], weights: weights,
                    biases: weights.map(function () { return 0; }), train_biases: true });
    }
    return layers;
  }

  return { Network: Network, Trainer: Trainer, initialised: initialised };
})();
