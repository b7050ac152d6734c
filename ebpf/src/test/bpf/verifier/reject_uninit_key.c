// Rejected by the strict rule: the lookup key on the stack is never written. (A 6.x kernel lets a
// CAP_PERFMON loader read uninitialised stack, so it accepts this one; lwtemu's default is strict.)
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u64);
	__type(value, __u64);
} table SEC(".maps");

SEC("lwt_out")
int uninit_key(struct __sk_buff *skb)
{
	__u64 key;
	__u64 *val;

	asm volatile("" : "=m"(key)); /* keep the slot, never store into it */
	val = bpf_map_lookup_elem(&table, &key);
	return val ? BPF_DROP : BPF_OK;
}

char _license[] SEC("license") = "GPL";
