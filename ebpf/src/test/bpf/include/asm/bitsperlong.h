/* See asm/types.h: generic definition, __BITS_PER_LONG from the compiler's __SIZEOF_LONG__ (8 on BPF). */
#include <asm-generic/bitsperlong.h>
