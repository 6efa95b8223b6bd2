# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""One TF-IDF row of a fitted vectorizer's vocabulary, for `nlp.compiled`: the n-grams of a text,
looked up in the vocabulary, counted, weighted (sublinear tf times idf) and l2-normalised.

scikit-learn's analyzers build every n-gram as a Python string in a list and count them in a
dict; in an 80-character text that is about 300 strings and most of the prediction's time. Here
each n-gram string is made and looked up in C and only the vocabulary indices are kept.
"""

import numpy as np

cimport numpy as cnp
from libc.math cimport log, sqrt
from libc.stdlib cimport qsort

cnp.import_array()


cdef int _compare(const void* a, const void* b) noexcept nogil:
    cdef long long x = (<const long long*>a)[0], y = (<const long long*>b)[0]
    return (x > y) - (x < y)


cdef tuple _weigh(cnp.int64_t[::1] found, Py_ssize_t n, const float[::1] idf, bint sublinear, Py_ssize_t offset):
    """Sorted distinct indices (plus offset) and their l2-normalised tf-idf weights."""
    cdef cnp.ndarray[cnp.int64_t, ndim=1] index = np.empty(n, np.int64)
    cdef cnp.ndarray[cnp.float32_t, ndim=1] value = np.empty(n, np.float32)
    cdef Py_ssize_t i = 0, k = 0, run
    cdef double tf, total = 0.0, norm
    if n:
        qsort(&found[0], n, sizeof(cnp.int64_t), _compare)
    while i < n:
        run = 1
        while i + run < n and found[i + run] == found[i]:
            run += 1
        tf = log(<double>run) + 1.0 if sublinear else <double>run
        index[k] = found[i] + offset
        value[k] = <float>(tf * idf[found[i]])
        total += <double>value[k] * <double>value[k]
        k += 1
        i += run
    norm = sqrt(total)
    if norm > 0:
        for i in range(k):
            value[i] = <float>(value[i] / norm)
    return index[:k], value[:k]


cdef inline Py_ssize_t _look_up(dict vocabulary, str gram, cnp.int64_t[::1] found, Py_ssize_t n):
    """Appends gram's vocabulary index to found[:n] if it has one; returns the new length."""
    cdef object j = vocabulary.get(gram)
    if j is None:
        return n
    found[n] = j
    return n + 1


cdef cnp.int64_t[::1] _buffer(Py_ssize_t units, int low, int high):
    """Room for every n-gram of `units` characters or tokens, n in low..high."""
    return np.empty(max(units, 1) * (high - low + 1), np.int64)


def char_features(str text, int low, int high, dict vocabulary, const float[::1] idf, bint sublinear,
                  Py_ssize_t offset):
    """The `analyzer="char"` n-grams of an already lowercased, space-folded text."""
    cdef Py_ssize_t length = len(text), n, i, found_n = 0
    cdef cnp.int64_t[::1] found = _buffer(length, low, high)
    for n in range(low, high + 1):
        for i in range(length - n + 1):
            found_n = _look_up(vocabulary, text[i:i + n], found, found_n)
    return _weigh(found, found_n, idf, sublinear, offset)


def word_features(list tokens, int low, int high, dict vocabulary, const float[::1] idf, bint sublinear,
                  Py_ssize_t offset):
    """The word n-grams (joined by a space, as scikit-learn joins them) of a token list."""
    cdef Py_ssize_t length = len(tokens), n, i, found_n = 0
    cdef cnp.int64_t[::1] found = _buffer(length, low, high)
    for n in range(low, high + 1):
        for i in range(length - n + 1):
            found_n = _look_up(vocabulary, tokens[i] if n == 1 else " ".join(tokens[i:i + n]), found, found_n)
    return _weigh(found, found_n, idf, sublinear, offset)
