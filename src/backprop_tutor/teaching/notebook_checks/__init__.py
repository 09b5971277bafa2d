"""The check cells of the Problem 3 and 4 notebooks: a line per quantity, never a traceback.

A check calls the student's function on the tutorial's network and reads what
it returns as quantities of Problem 2's worked step (``net_h1``, ``delta_o1``,
``dE_dw1``, ...), marked by ``check_answers`` against ``solve``'s numbers, so a
wrong number gets the slip hints of ``backprop-tutor check``. It prints::

    ✓ hidden sigmoid: net_h1 net_h2 out_h1 out_h2 net_o1 out_o1 as Problem 2 (out_o1 = 0.604057)
    ✗ delta_o1 (hidden sigmoid): expected -0.0707812, got 0.0707812 (off by 0.141562)
      hint: the sign of (out − t) flipped: (t1 − out_o1) instead of (out_o1 − t1)
    not written yet: fill in `out = ...  # σ(net)` in activation above

An exercise is not written yet while its function is None, raises
NotImplementedError or still holds a blank ``...``: the check names the first
blank left (read from the function's source) and stops there. Any other error
is one line: its type, its message and the line of the student's code.
"""


from backprop_tutor.teaching.notebook_checks.problem3 import Problem3
from backprop_tutor.teaching.notebook_checks.problem4 import Problem4

__all__ = ["Problem3", "Problem4"]
