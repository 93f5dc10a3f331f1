"""Figure code shared by chapters: the book's style, the unrolled chain, the LSTM cell diagram."""
