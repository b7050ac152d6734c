/* The BPF target has no asm/ of its own: the generic UAPI headers fit it (64-bit, little-endian). */
#include <asm-generic/types.h>
