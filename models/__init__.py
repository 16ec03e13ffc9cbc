"""The token-classification model (labels, vocabulary, model, prediction, shipped weights).

Not built yet: see the model issue. The extraction pipeline runs rules-only until then.
"""
