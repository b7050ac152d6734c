// A small program touching most instruction forms clang emits, for the Disassembler test: its
// llvm-objdump output is checked in next to it (disasm_sample*.objdump.txt).
// variants: v4
// Self-contained on purpose (no kernel headers): the test may compile it on the fly.
typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef long long __s64;

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *) 1;
static long (*bpf_tail_call)(void *ctx, void *map, __u32 index) = (void *) 12;
static long (*bpf_loop)(__u32 nr, void *fn, void *ctx, __u64 flags) = (void *) 181;

struct {
    __uint(type, 2);
    __uint(max_entries, 4);
    __type(key, __u32);
    __type(value, __u64);
} counters SEC(".maps");

struct {
    __uint(type, 3);
    __uint(max_entries, 4);
    __type(key, __u32);
    __type(value, __u32);
} jumps SEC(".maps");

volatile int gdata = 3;
const volatile int rodata = 5;

static __attribute__((noinline)) int mix(int a, int b)
{
    return a * b + gdata + rodata;
}

static long add_index(__u32 i, void *c)
{
    *(long *) c += i;
    return 0;
}

SEC("lwt_xmit")
int sample(void *skb)
{
    __u32 *ctx = skb;
    void *data = (void *) (long) ctx[19];
    void *end = (void *) (long) ctx[20];
    __u32 k = ctx[2] & 3;
    long acc = 0;

    if (data + 40 > end)
        return 2;
    __u64 *v = bpf_map_lookup_elem(&counters, &k);
    if (v) {
        __sync_fetch_and_add(v, 1);
        __sync_fetch_and_or(v, 2);
        acc += __sync_fetch_and_xor(v, 7);
        __sync_val_compare_and_swap(v, 3, 4);
        __sync_lock_test_and_set(v, 9);
    }
    int x = *(signed char *) (data + 3);
    short y = *(short *) (data + 4);
    __u32 u = *(__u32 *) (data + 8);
    acc += u / ((__u32) y | 1) + (u % 7) + ((__u32) x >> 3) + ((long) x >> 2) + (x << 5);
    acc += __builtin_bswap32(y) + __builtin_bswap64(acc) + __builtin_bswap16(u);
    acc += mix(x, y);
    bpf_loop(10, add_index, &acc, 0);
    bpf_tail_call(skb, &jumps, 1);
    if ((int) acc < -5)
        return 1;
    return acc & 0xff ? 0 : 2;
}

char _license[] SEC("license") = "GPL";
