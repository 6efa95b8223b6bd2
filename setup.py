"""Builds the two compiled modules of the prediction path (everything else is in pyproject.toml):
nlp/_segment, jieba's cut in C, and nlp/_ngrams, the TF-IDF row of one text."""

import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup

# No floating-point contraction: the route scores must round exactly as jieba's Python does.
FLAGS = ["-O2", "-ffp-contract=off"]
extensions = [
    Extension("nlp._segment", ["nlp/_segment.pyx"], extra_compile_args=FLAGS),
    Extension(
        "nlp._ngrams",
        ["nlp/_ngrams.pyx"],
        include_dirs=[np.get_include()],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
        extra_compile_args=FLAGS,
    ),
]
setup(ext_modules=cythonize(extensions, language_level=3, quiet=True))
