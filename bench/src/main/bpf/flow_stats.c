// out on an IPv4 packet: per (saddr, daddr, protocol) packet and byte counts in hash map 'flows'
// (created on the first packet), packets and bytes per CPU in percpu array 'stats'[0..1], a per-CPU
// length histogram in 'len_hist' (bucket len / 128); BPF_OK. The map-heavy benchmark program.
#include "lwt_common.h"

struct flow_key {
	__be32 saddr;
	__be32 daddr;
	__u32 proto;
};

struct flow_value {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct flow_key);
	__type(value, struct flow_value);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} len_hist SEC(".maps");

static __always_inline void count(void *map, __u32 index, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(map, &index);

	if (v)
		*v += n;
}

SEC("lwt_out")
int flow_stats(struct __sk_buff *skb)
{
	struct iphdr ip;
	struct flow_key key = {};
	struct flow_value *v;
	__u32 bucket;

	/* bpf_skb_load_bytes rather than direct access: works on every hook and keeps the run about maps. */
	if (bpf_skb_load_bytes(skb, 0, &ip, sizeof(ip)) < 0)
		return BPF_OK;
	key.saddr = ip.saddr;
	key.daddr = ip.daddr;
	key.proto = ip.protocol;
	v = bpf_map_lookup_elem(&flows, &key);
	if (!v) {
		struct flow_value zero = {};

		bpf_map_update_elem(&flows, &key, &zero, 1 /* BPF_NOEXIST */);
		v = bpf_map_lookup_elem(&flows, &key);
		if (!v)
			return BPF_OK;
	}
	__sync_fetch_and_add(&v->packets, 1);
	__sync_fetch_and_add(&v->bytes, skb->len);
	count(&stats, 0, 1);
	count(&stats, 1, skb->len);
	bucket = skb->len >> 7;
	if (bucket > 15)
		bucket = 15;
	count(&len_hist, bucket, 1);
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
