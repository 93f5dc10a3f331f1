"""Helpers for the LSTM book: a numpy engine (lstm, rnn, gru), training, tasks and one module
per chapter. The engine modules import only numpy; plotting lives in the chapter modules."""

__version__ = "0.1.0"
