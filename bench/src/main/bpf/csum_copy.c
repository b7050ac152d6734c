// xmit on a packet of at least 1500 bytes: copies the first 1500 bytes into a per-CPU scratch map value
// with one bpf_skb_load_bytes, then sums them as 750 16-bit words in a bounded loop (one's complement,
// folded, stored in skb->mark); BPF_OK (also when the packet is shorter, without a sum). The loop
// benchmark program without direct packet access: the loop is loads from a map value.
#include "lwt_common.h"

#define BYTES 1500

struct scratch {
	__u16 words[BYTES / 2];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

SEC("lwt_xmit")
int csum_copy(struct __sk_buff *skb)
{
	__u32 zero = 0, sum = 0;
	struct scratch *s = bpf_map_lookup_elem(&scratch, &zero);

	if (!s || bpf_skb_load_bytes(skb, 0, s, BYTES) < 0)
		return BPF_OK;
#pragma clang loop unroll(disable)
	for (int i = 0; i < BYTES / 2; i++)
		sum += s->words[i];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	skb->mark = ~sum & 0xffff;
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
