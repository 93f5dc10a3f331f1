"""Bridges to PyTorch and Keras: the same weights in their layers, for the tests and chapter 13."""
