"""The neural proposer: a small decoder-only transformer over the problem language.

``tokenizer`` turns a problem (renamed canonically) and its auxiliary clauses into
tokens; ``model`` is the transformer, with generation (beam search) and scoring;
``train`` trains it on ``geosolver generate``'s examples; ``proposer`` plugs it
into the search as a ``Proposer``.  torch is imported only by ``model``, ``train``
and ``proposer``: the commands that do not solve never load it.
"""
