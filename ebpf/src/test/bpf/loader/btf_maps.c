// Loader test object: BTF-defined maps of several shapes, global data and several LWT programs.
// variants: v1 v2 v4
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct flow_key {
	__u32 saddr;
	__u32 daddr;
	__u16 sport;
	__u16 dport;
	__u8 proto;
};

struct flow_stats {
	__u64 packets;
	__u64 bytes;
	__u32 last_mark;
};

typedef struct flow_stats flow_stats_t;

/* key/value by type: sizes come from BTF (flow_key is 16 bytes with padding, flow_stats 24). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct flow_key);
	__type(value, flow_stats_t);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} flows SEC(".maps");

/* key/value by size. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u64));
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} percpu_hits SEC(".maps");

/* Shared with other objects through the pin namespace. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 128);
	__type(key, __u32);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} pinned_marks SEC(".maps");

const volatile __u32 mark_base = 0x100;           /* .rodata */
const volatile __u8 prefix_len = 24;              /* .rodata */
__u32 packets_seen = 7;                           /* .data */
__u64 bytes_seen = 0x1122334455667788ULL;         /* .data */
__u32 drops;                                      /* .bss */
__u64 scratch[4];                                 /* .bss */

static __attribute__((noinline)) __u32 bump(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &idx);
	if (v)
		__sync_fetch_and_add(v, 1);
	return idx + mark_base;
}

SEC("lwt_in")
int count_in(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *hits = bpf_map_lookup_elem(&percpu_hits, &key);
	if (hits)
		*hits += 1;
	packets_seen++;
	return BPF_OK;
}

SEC("lwt_out")
int count_out(struct __sk_buff *skb)
{
	skb->mark = bump(1);
	bytes_seen += skb->len;
	return BPF_OK;
}

SEC("lwt_xmit/flows")
int track_flow(struct __sk_buff *skb)
{
	struct flow_key k = {};
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	if (data + 20 > end) {
		drops++;
		return BPF_DROP;
	}
	k.saddr = *(__u32 *)(data + 12);
	k.daddr = *(__u32 *)(data + 16);
	k.proto = prefix_len;
	flow_stats_t *st = bpf_map_lookup_elem(&flows, &k);
	if (st) {
		st->packets++;
		st->bytes += skb->len;
	} else {
		flow_stats_t init = { .packets = 1, .bytes = skb->len };
		bpf_map_update_elem(&flows, &k, &init, BPF_ANY);
	}
	__u32 m = skb->mark;
	__u32 *pm = bpf_map_lookup_elem(&pinned_marks, &k.daddr);
	if (pm)
		m = *pm;
	scratch[2] = m;
	skb->mark = bump(2) + m;
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
