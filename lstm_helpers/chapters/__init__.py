"""One module per chapter, named after its notebook (ch01_forgetting <-> book/01_forgetting.ipynb): the
experiments, figures and explorers that chapter shows."""
