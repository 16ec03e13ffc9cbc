"""Synthetic report generation and model training (``nianbao train``). Not built yet: see the model issue."""
