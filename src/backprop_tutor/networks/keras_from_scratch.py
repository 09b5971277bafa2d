"""Problem 4 as a student writes it: the tutorial's network in Keras, one update and many.

A ``Sequential`` of two ``Dense`` layers, the tutorial's weights loaded with
``set_weights`` (Keras keeps a kernel as inputs × units: the transpose of W),
plain SGD, and either the tutorial's loss E = ½·Σ (t − y)² or Keras' "mse",
E = mean (t − y)². Everything in float64, so the numbers agree with the hand
calculation to rounding. The pack prints this file; ``keras_network`` is the
general version (any network file, side by side with the NumPy network).
"""


def half_sse(t, y):
    """The tutorial's loss as a Keras loss: ½·Σ_k (t_k − y_k)², per sample."""
    from keras import ops

    return 0.5 * ops.sum((t - y) ** 2, axis=-1)


def build(W1, b1, W2, b2, hidden, eta, loss, seed=None):
    """The 2-layer network in Keras with the given weights, or Glorot-uniform ones (``seed``)."""
    import keras

    keras.config.set_floatx("float64")     # the loss and the optimizer's η in float64 too
    if seed is not None:
        keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input(shape=(W1.shape[1],), dtype="float64"),
        keras.layers.Dense(W1.shape[0], activation=hidden, dtype="float64"),
        keras.layers.Dense(W2.shape[0], activation="sigmoid", dtype="float64"),
    ])
    if seed is None:
        model.set_weights([W1.T, b1, W2.T, b2])     # kernels are inputs × units
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=eta),
                  loss=half_sse if loss == "half_sse" else "mse")
    return model


def train(model, x, t, updates):
    """Do `updates` SGD steps on the one sample; return E before each step."""
    return [float(model.train_on_batch(x[None, :], t[None, :])) for _ in range(updates)]


def weights(model):
    """W1, b1, W2, b2 as the tutorial writes them (W: one row per unit)."""
    kernel1, b1, kernel2, b2 = model.get_weights()
    return kernel1.T, b1, kernel2.T, b2
