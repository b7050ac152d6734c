// Map semantics seen from a program, for comparing lwtemu with the kernel: an LWT xmit program that
// counts packets in several map types and records the return codes of map helpers in an array.
// Expected map contents after 5 runs on Linux 6.18 (bpftool prog run ... repeat 5) are in
// map_ops.kernel-dump.txt next to this file; see the header of that file for the exact commands.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct lpm_v4_key {
	__u32 prefixlen;
	__u8 addr[4];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __s64);
} rcs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 8);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm_v4_key);
	__type(value, __u32);
} routes SEC(".maps");

__u64 runs = 0;           /* .bss */
__u32 step = 7;           /* .data */
const volatile __u32 base = 100; /* .rodata */

static __always_inline void record(__u32 slot, long rc)
{
	__s64 *p = bpf_map_lookup_elem(&rcs, &slot);
	if (p)
		*p = rc;
}

SEC("lwt_xmit")
int map_ops(struct __sk_buff *skb)
{
	__u64 n = __sync_fetch_and_add(&runs, 1) + 1;
	__u32 key = 1;
	__u64 one = 1, *cnt;

	/* counters[1] += step (created on first run) */
	cnt = bpf_map_lookup_elem(&counters, &key);
	if (!cnt) {
		record(0, bpf_map_update_elem(&counters, &key, &one, BPF_NOEXIST));
		cnt = bpf_map_lookup_elem(&counters, &key);
		if (!cnt)
			return BPF_DROP;
		*cnt = 0;
	}
	__sync_fetch_and_add(cnt, step);

	/* counters[2] = base + n; a third key fails: map full */
	key = 2;
	__u64 v = base + n;
	bpf_map_update_elem(&counters, &key, &v, BPF_ANY);
	key = 3;
	record(1, bpf_map_update_elem(&counters, &key, &v, BPF_ANY));
	record(2, bpf_map_update_elem(&counters, &key, &v, BPF_EXIST));
	key = 1;
	record(3, bpf_map_update_elem(&counters, &key, &v, BPF_NOEXIST));
	key = 9;
	record(4, bpf_map_delete_elem(&counters, &key));

	/* array: out of range and delete */
	key = 8;
	__s64 z = 0;
	record(5, bpf_map_update_elem(&rcs, &key, &z, BPF_ANY));
	key = 0;
	record(6, bpf_map_delete_elem(&rcs, &key));

	/* LRU: one new flow per run, 4 slots */
	__u32 flow = 1000 + n, val = n;
	bpf_map_update_elem(&flows, &flow, &val, BPF_ANY);

	/* LPM: longest match for 10.1.2.3, value written by user space before the runs */
	struct lpm_v4_key lk = { .prefixlen = 32, .addr = { 10, 1, 2, 3 } };
	__u32 *route = bpf_map_lookup_elem(&routes, &lk);
	record(7, route ? *route : -1);
	return BPF_OK;
}

char LICENSE[] SEC("license") = "GPL";
