// Loader test object: a map type lwtemu does not model (BPF_MAP_TYPE_STACK_TRACE = 7).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 16);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, 8 * sizeof(__u64));
} stacks SEC(".maps");

SEC("lwt_xmit")
int uses_stacks(struct __sk_buff *skb)
{
	__u32 key = 0;
	return bpf_map_lookup_elem(&stacks, &key) ? BPF_DROP : BPF_OK;
}

char _license[] SEC("license") = "GPL";
