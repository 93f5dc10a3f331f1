"""Experiments: the fair protocol (each model at its own learning rate and initialisation, five seeds),
summaries and the stored runs `make full` writes. Imports training and the engine."""
