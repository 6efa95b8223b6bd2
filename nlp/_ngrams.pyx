# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""One TF-IDF row of a fitted vectorizer's vocabulary, for `nlp.compiled`: the n-grams of a text,
looked up in the vocabulary, counted, weighted (sublinear tf times idf) and l2-normalised.

scikit-learn's analyzers build every n-gram as a Python string in a list and count them in a
dict; in an 80-character text that is about 300 strings and most of the prediction's time. Here
word n-grams are made and looked up in C and only the vocabulary indices are kept; character
n-grams of up to three code points are not made as strings at all: each is packed into one
64-bit key (21 bits a code point, exact, so no collisions to check) and found in an
open-addressing table built once from the vocabulary (`char_table`).
"""

import numpy as np

cimport numpy as cnp
from libc.math cimport log, sqrt
from libc.stdint cimport int64_t, uint64_t
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


cdef enum:
    CODE_POINT_BITS = 21  # every code point is below 2**21
    MAX_PACKED = 3  # code points per key: 3 * 21 bits fit in 64


cdef inline uint64_t _spread(uint64_t key) noexcept nogil:
    return key * 0x9E3779B97F4A7C15ULL  # Fibonacci hashing: the high bits pick the slot


def char_table(dict vocabulary):
    """(keys, values, shift) of an open-addressing table from packed n-gram to vocabulary index.

    Key 0 marks an empty slot; a term holds no NUL (normalisation drops control characters), so
    a packed term is never 0. Raises ValueError for terms longer than three code points.
    """
    cdef Py_ssize_t size = 2, bits = 1
    while size < 2 * len(vocabulary):
        size <<= 1
        bits += 1
    cdef cnp.ndarray[cnp.uint64_t, ndim=1] keys = np.zeros(size, np.uint64)
    cdef cnp.ndarray[cnp.int64_t, ndim=1] values = np.full(size, -1, np.int64)
    cdef uint64_t key, mask = size - 1
    cdef int shift = 64 - bits
    cdef Py_ssize_t slot, m
    cdef str term
    for term, j in vocabulary.items():
        if not 0 < len(term) <= MAX_PACKED or "\0" in term:
            raise ValueError(f"character n-gram {term!r} cannot be packed")
        key = 0
        for m in range(len(term)):
            key |= (<uint64_t>ord(term[m])) << (CODE_POINT_BITS * m)
        slot = <Py_ssize_t>(_spread(key) >> shift)
        while keys[slot] != 0:
            slot = (slot + 1) & mask
        keys[slot] = key
        values[slot] = j
    return keys, values, shift


def char_features(str text, int low, int high, const uint64_t[::1] keys, const int64_t[::1] values, int shift,
                  const float[::1] idf, bint sublinear, Py_ssize_t offset):
    """The `analyzer="char"` n-grams (n <= 3) of an already lowercased, space-folded text."""
    cdef Py_ssize_t length = len(text), n, i, m, slot, found_n = 0
    cdef Py_ssize_t mask = keys.shape[0] - 1
    cdef cnp.int64_t[::1] found = _buffer(length, low, high)
    cdef uint64_t key
    cdef Py_UCS4 ch
    cdef bint nul
    if high > MAX_PACKED:
        raise ValueError("character n-grams longer than three code points are not packed")
    for n in range(low, high + 1):
        for i in range(length - n + 1):
            key = 0
            nul = False
            for m in range(n):
                ch = text[i + m]
                nul = nul or ch == 0
                key |= (<uint64_t>ch) << (CODE_POINT_BITS * m)
            if nul:  # "a\0" would pack like "a"; no term holds a NUL
                continue
            slot = <Py_ssize_t>(_spread(key) >> shift)
            while keys[slot] != 0:
                if keys[slot] == key:
                    found[found_n] = values[slot]
                    found_n += 1
                    break
                slot = (slot + 1) & mask
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
