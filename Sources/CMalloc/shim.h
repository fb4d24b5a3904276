// glibc's allocator interface (malloc.h, from libc6-dev): the heap's figures
// (mallinfo2) for `legato ctl status` (Legato/HeapFigures.swift).
#include <malloc.h>
