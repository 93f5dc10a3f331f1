"""The engine: activations, the LSTM, RNN and GRU cells (init / forward / backward), losses, the
optimiser, the gradient check and argument validation. numpy only; imports nothing above it."""
