# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""jieba's precise mode with HMM (`Tokenizer.lcut(text, HMM=True)`) in C, word for word.

jieba spends about 160 microseconds in interpreted Python on an 80-character text: a dictionary
lookup per substring to build the DAG, a generator per position to pick the best route, and
dictionaries of dictionaries for the HMM of unknown words. This module runs the same algorithm
on the same data (the tokenizer's FREQ table and total, finalseg's start, transition and emission
probabilities), with the same floating-point operations in the same order and the same tie
breaks, so its output is identical. `tests/nlp/test_segment.py` holds it to that on the corpus
and on random text.

The dictionary becomes one open-addressing hash table over code points (about 25 MB); jieba's
own dict of 500,000 strings is dropped once it is built, which leaves the service 33 MB smaller.
"""

import re

from cpython.mem cimport PyMem_Free, PyMem_Malloc
from libc.math cimport log
from libc.stdint cimport int32_t, int64_t, uint8_t, uint64_t
from libc.string cimport memcmp, memset

cdef extern from "Python.h":
    bint Py_UNICODE_ISALNUM(Py_UCS4 ch)

# jieba 0.42.1: the block and skip patterns of Tokenizer.cut and of finalseg.cut.
_RE_HAN = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)", re.U)
_RE_SKIP_FINAL = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")

cdef double MIN_FLOAT = -3.14e100
cdef Py_UCS4 HAN_FIRST = 0x4E00
cdef Py_UCS4 HAN_LAST = 0x9FD5
cdef int HAN_SPAN = 0x9FD5 - 0x4E00 + 1
# finalseg's states in the order of their letters (B < E < M < S), which is how jieba breaks ties.
cdef int B = 0, E = 1, M = 2, S = 3
cdef int PREV[4][2]  # PrevStatus: B <- E S, E <- B M, M <- B M, S <- E S
PREV[0][0], PREV[0][1] = E, S
PREV[1][0], PREV[1][1] = B, M
PREV[2][0], PREV[2][1] = B, M
PREV[3][0], PREV[3][1] = E, S


cdef uint64_t FNV_OFFSET = 14695981039346656037ULL  # FNV-1a over code points


cdef inline uint64_t _mix(uint64_t h, Py_UCS4 ch) nogil:
    return (h ^ <uint64_t>ch) * <uint64_t>1099511628211ULL


cdef inline bint _is_han(Py_UCS4 ch) nogil:
    return HAN_FIRST <= ch <= HAN_LAST


cdef inline Py_ssize_t _han_index(Py_UCS4 ch) nogil:
    return <Py_ssize_t>ch - <Py_ssize_t>HAN_FIRST


cdef inline bint _has_alnum(str word):
    cdef Py_UCS4 ch
    for ch in word:
        if Py_UNICODE_ISALNUM(ch):
            return True
    return False


cdef class Segmenter:
    """A frozen copy of one jieba tokenizer's dictionary and HMM, cutting like `lcut(HMM=True)`."""

    cdef int32_t* slots
    cdef uint64_t mask
    cdef uint64_t* entry_hash
    cdef int64_t* entry_offset
    cdef uint8_t* entry_length
    cdef int64_t* entry_freq
    cdef Py_UCS4* chars
    cdef double logtotal
    cdef Py_ssize_t stride  # the longest word: at most this many DAG edges leave one position
    cdef double start[4]
    cdef double trans[4][4]
    cdef double* emit  # 4 * HAN_SPAN, MIN_FLOAT where finalseg has no entry

    def __cinit__(self):
        self.slots = NULL
        self.entry_hash = NULL
        self.entry_offset = NULL
        self.entry_length = NULL
        self.entry_freq = NULL
        self.chars = NULL
        self.emit = NULL

    def __dealloc__(self):
        PyMem_Free(self.slots)
        PyMem_Free(self.entry_hash)
        PyMem_Free(self.entry_offset)
        PyMem_Free(self.entry_length)
        PyMem_Free(self.entry_freq)
        PyMem_Free(self.chars)
        PyMem_Free(self.emit)

    def __init__(self, dict freq, long long total, dict start_p, dict trans_p, dict emit_p):
        """`freq` and `total` are an initialised jieba Tokenizer's FREQ and total (user words
        included); the rest are jieba.finalseg's start_P, trans_P and emit_P."""
        cdef Py_ssize_t n = len(freq), n_chars = 0, i = 0, capacity = 1, slot
        cdef str word
        cdef Py_UCS4 ch
        cdef uint64_t h
        self.stride = 1
        for word in freq:
            if len(word) > 255:
                raise ValueError("dictionary words are at most 255 characters")
            n_chars += len(word)
            self.stride = max(self.stride, len(word))
        while capacity < 2 * n + 2:
            capacity *= 2
        self.mask = capacity - 1
        self.slots = <int32_t*>PyMem_Malloc(capacity * sizeof(int32_t))
        self.entry_hash = <uint64_t*>PyMem_Malloc((n + 1) * sizeof(uint64_t))
        self.entry_offset = <int64_t*>PyMem_Malloc((n + 1) * sizeof(int64_t))
        self.entry_length = <uint8_t*>PyMem_Malloc((n + 1) * sizeof(uint8_t))
        self.entry_freq = <int64_t*>PyMem_Malloc((n + 1) * sizeof(int64_t))
        self.chars = <Py_UCS4*>PyMem_Malloc((n_chars + 1) * sizeof(Py_UCS4))
        self.emit = <double*>PyMem_Malloc(4 * HAN_SPAN * sizeof(double))
        if not (self.slots and self.entry_hash and self.entry_offset and self.entry_length
                and self.entry_freq and self.chars and self.emit):
            raise MemoryError()
        memset(self.slots, 0xFF, capacity * sizeof(int32_t))
        n_chars = 0
        for word, count in freq.items():
            h = FNV_OFFSET
            self.entry_offset[i] = n_chars
            for ch in word:
                self.chars[n_chars] = ch
                n_chars += 1
                h = _mix(h, ch)
            self.entry_hash[i] = h
            self.entry_length[i] = len(word)
            self.entry_freq[i] = count
            slot = h & self.mask
            while self.slots[slot] >= 0:
                slot = (slot + 1) & self.mask
            self.slots[slot] = i
            i += 1
        self.logtotal = log(<double>total)
        states = "BEMS"
        for a in range(4):
            self.start[a] = start_p.get(states[a], MIN_FLOAT)
            for b in range(4):
                self.trans[a][b] = trans_p[states[a]].get(states[b], MIN_FLOAT)
            for c in range(HAN_SPAN):
                self.emit[a * HAN_SPAN + c] = MIN_FLOAT
            for key, value in emit_p[states[a]].items():
                ch = ord(key)
                if _is_han(ch):
                    self.emit[a * HAN_SPAN + _han_index(ch)] = value

    cdef int64_t _find(self, const Py_UCS4* s, Py_ssize_t n, uint64_t h) nogil:
        """FREQ[s[:n]] given its hash, or -1 when absent."""
        cdef uint64_t slot = h & self.mask
        cdef int32_t e
        while True:
            e = self.slots[slot]
            if e < 0:
                return -1
            if (self.entry_hash[e] == h and self.entry_length[e] == n
                    and memcmp(self.chars + self.entry_offset[e], s, n * sizeof(Py_UCS4)) == 0):
                return self.entry_freq[e]
            slot = (slot + 1) & self.mask

    cdef int64_t _lookup(self, const Py_UCS4* s, Py_ssize_t n) nogil:
        cdef uint64_t h = FNV_OFFSET
        cdef Py_ssize_t i
        if n > 255:
            return -1
        for i in range(n):
            h = _mix(h, s[i])
        return self._find(s, n, h)

    def cut(self, str text):
        """Words of `text` that contain a letter or digit, as `[w for w in lcut(text) if any(c.isalnum() …)]`."""
        cdef list words = []
        cdef str block
        cdef Py_UCS4 ch
        # split() with one capturing group alternates: text outside jieba's pattern, then a match.
        for k, block in enumerate(_RE_HAN.split(text)):
            if k % 2:
                self._cut_block(block, words)
            else:  # outside the pattern jieba yields every character (and whitespace runs) alone
                for ch in block:
                    if Py_UNICODE_ISALNUM(ch):
                        words.append(ch)
        return words

    cdef void _emit(self, str word, list words):
        if _has_alnum(word):
            words.append(word)

    cdef int _cut_block(self, str block, list words) except -1:
        cdef Py_ssize_t n = len(block), k, i, x, y, j, count, best_x, buf_start, buf_len
        cdef Py_UCS4* s = <Py_UCS4*>PyMem_Malloc((n + 1) * sizeof(Py_UCS4))
        cdef int32_t* ends = <int32_t*>PyMem_Malloc((n * self.stride + 1) * sizeof(int32_t))
        cdef int64_t* freqs = <int64_t*>PyMem_Malloc((n * self.stride + 1) * sizeof(int64_t))
        cdef int32_t* n_ends = <int32_t*>PyMem_Malloc((n + 1) * sizeof(int32_t))
        cdef double* route = <double*>PyMem_Malloc((n + 1) * sizeof(double))
        cdef int32_t* route_x = <int32_t*>PyMem_Malloc((n + 1) * sizeof(int32_t))
        cdef int64_t f
        cdef uint64_t h
        cdef double value, best
        cdef Py_UCS4 ch
        try:
            if not (s and ends and freqs and n_ends and route and route_x):
                raise MemoryError()
            i = 0
            for ch in block:
                s[i] = ch
                i += 1
            with nogil:
                # get_DAG: every i with FREQ[s[k:i+1]] > 0, extending while the prefix is known.
                for k in range(n):
                    count = 0
                    h = FNV_OFFSET
                    i = k
                    while i < n:
                        h = _mix(h, s[i])
                        f = self._find(s + k, i - k + 1, h)
                        if f < 0:
                            break
                        if f > 0:
                            ends[k * self.stride + count] = <int32_t>i
                            freqs[k * self.stride + count] = f
                            count += 1
                        i += 1
                    if count == 0:
                        ends[k * self.stride] = <int32_t>k
                        freqs[k * self.stride] = 1  # FREQ.get(...) or 1
                        count = 1
                    n_ends[k] = <int32_t>count
                # calc: max over (log(freq) - logtotal + route[x + 1], x); ties go to the larger x.
                route[n] = 0.0
                route_x[n] = 0
                for k in range(n - 1, -1, -1):
                    best = 0.0
                    best_x = -1
                    for j in range(n_ends[k]):
                        x = ends[k * self.stride + j]
                        value = log(<double>freqs[k * self.stride + j]) - self.logtotal + route[x + 1]
                        if best_x < 0 or value > best or (value == best and x > best_x):
                            best = value
                            best_x = x
                    route[k] = best
                    route_x[k] = <int32_t>best_x
            # __cut_DAG: single characters gather in a buffer that the HMM re-cuts if it is unknown.
            x = 0
            buf_start = 0
            buf_len = 0
            while x < n:
                y = route_x[x] + 1
                if y - x == 1:
                    if buf_len == 0:
                        buf_start = x
                    buf_len += 1
                else:
                    if buf_len:
                        self._flush(block, s, buf_start, buf_len, words)
                        buf_len = 0
                    self._emit(block[x:y], words)
                x = y
            if buf_len:
                self._flush(block, s, buf_start, buf_len, words)
        finally:
            PyMem_Free(s)
            PyMem_Free(ends)
            PyMem_Free(freqs)
            PyMem_Free(n_ends)
            PyMem_Free(route)
            PyMem_Free(route_x)
        return 0

    cdef int _flush(self, str block, Py_UCS4* s, Py_ssize_t start, Py_ssize_t length, list words) except -1:
        cdef Py_ssize_t i
        if length == 1:
            self._emit(block[start:start + 1], words)
        elif self._lookup(s + start, length) <= 0:  # `not FREQ.get(buf)`: finalseg.cut(buf)
            self._hmm_cut(block[start:start + length], words)
        else:
            for i in range(start, start + length):
                self._emit(block[i:i + 1], words)
        return 0

    cdef int _hmm_cut(self, str buf, list words) except -1:
        """finalseg.cut: Viterbi over each run of Han characters, the rest split on letters and digits."""
        cdef Py_ssize_t n = len(buf), i = 0, j
        while i < n:
            j = i
            if _is_han(buf[i]):
                while j < n and _is_han(buf[j]):
                    j += 1
                self._viterbi(buf[i:j], words)
            else:
                while j < n and not _is_han(buf[j]):
                    j += 1
                for piece in _RE_SKIP_FINAL.split(buf[i:j]):
                    if piece:
                        self._emit(piece, words)
            i = j
        return 0

    cdef int _viterbi(self, str obs, list words) except -1:
        cdef Py_ssize_t n = len(obs), t, begin = 0, next_i = 0
        cdef double* v = <double*>PyMem_Malloc(n * 4 * sizeof(double))
        cdef uint8_t* back = <uint8_t*>PyMem_Malloc(n * 4 * sizeof(uint8_t))
        cdef uint8_t* path = <uint8_t*>PyMem_Malloc(n * sizeof(uint8_t))
        cdef int y, y0, a, state
        cdef double em, prob, best
        cdef Py_UCS4 ch
        try:
            if not (v and back and path):
                raise MemoryError()
            ch = obs[0]
            for y in range(4):
                v[y] = self.start[y] + self.emit[y * HAN_SPAN + _han_index(ch)]
            for t in range(1, n):
                ch = obs[t]
                for y in range(4):
                    em = self.emit[y * HAN_SPAN + _han_index(ch)]
                    best = 0.0
                    state = -1
                    for a in range(2):
                        y0 = PREV[y][a]
                        prob = v[(t - 1) * 4 + y0] + self.trans[y0][y] + em
                        if state < 0 or prob > best or (prob == best and y0 > state):
                            best = prob
                            state = y0
                    v[t * 4 + y] = best
                    back[t * 4 + y] = <uint8_t>state
            # max((V[-1][y], y) for y in "ES"): ties go to S.
            state = S if v[(n - 1) * 4 + S] >= v[(n - 1) * 4 + E] else E
            for t in range(n - 1, -1, -1):
                path[t] = <uint8_t>state
                if t:
                    state = back[t * 4 + state]
            for t in range(n):
                if path[t] == B:
                    begin = t
                elif path[t] == E:
                    self._emit(obs[begin:t + 1], words)
                    next_i = t + 1
                elif path[t] == S:
                    self._emit(obs[t:t + 1], words)
                    next_i = t + 1
            if next_i < n:
                self._emit(obs[next_i:], words)
        finally:
            PyMem_Free(v)
            PyMem_Free(back)
            PyMem_Free(path)
        return 0
