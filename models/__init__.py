"""The token classifier: the label list (``labels``), the character vocabulary (``vocab``),
model inputs (``features``), configs and shipped checkpoints (``config``), and loading and
prediction (``classifier``). The weights of ``nianbao-tc-v7`` ship in ``models/nianbao-tc-v7/``
with their model card and sha256 sums; ``nianbao train`` rebuilds them.
"""
