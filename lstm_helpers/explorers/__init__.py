"""Slider explorers: declared once (sliders, panels, readouts), computed by a pure function, shown as a
live ipywidgets figure in Jupyter and precomputed for the website."""
