"""vgteach: the NumPy engine behind the vanishing-gradient course.

Import the modules you need explicitly (``from vgteach import activations, chain, plots``);
importing the package changes nothing global (no seeds, no plot styles).
"""
__version__ = "0.1.0"
