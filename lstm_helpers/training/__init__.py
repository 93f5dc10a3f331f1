"""Training: seeded task generators, a model = cell + read-out, the training loop. Imports only the engine."""
