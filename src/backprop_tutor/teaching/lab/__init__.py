"""The hyperparameter lab: ready experiments on data sets, run on every core.

``runs`` trains one setting; ``runner`` runs many in worker processes;
``results`` writes them; one module per experiment (``learning_rate``,
``batch_size``, ``activation``, ``depth``, ``init``, ``sweep``) makes its
settings and reads its summary off the runs.
"""
