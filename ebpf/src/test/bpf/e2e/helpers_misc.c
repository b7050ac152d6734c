// xmit: calls the helpers the lwt/ programs do not, and stores what each returned in array 'rcs'
// (index: value): 0 ktime_get_ns != 0, 1 ktime_get_boot_ns != 0, 2 ktime_get_coarse_ns != 0,
// 3 jiffies64 != 0, 4 get_prandom_u32 called (1), 5 get_smp_processor_id < 64, 6 get_numa_node_id (0),
// 7 bpf_loop sum of 1..10 (55), 8 bpf_loop rc (10), 9 ringbuf_query available data (0),
// 10 skb_pull_data(0) (0), 11 get_cgroup_classid (0), 12 get_route_realm (0), 13 csum_update (-ENOTSUPP),
// 14 csum_level query (-EACCES), 15 skb_get_tunnel_key (-EINVAL), 16 skb_get_tunnel_opt (-ENOENT),
// 17 skb_set_tunnel_opt (-EINVAL), 18 set_hash_invalid called (1), 19 trace_printk rc (bytes written, 9 for
// "hello 42\n"), 20 ringbuf_reserve != NULL, then discarded, 21 ringbuf_query after the discard (24: the
// discarded record still occupies the ring until the consumer skips it). Values as Linux 6.18 gives them.
// mark = 0x600d; BPF_OK.
#include "../lwt/lwt_common.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 24);
	__type(key, __u32);
	__type(value, __s64);
} rcs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} rb SEC(".maps");

static __always_inline void put_rc(__u32 i, __s64 rc)
{
	__s64 *slot = bpf_map_lookup_elem(&rcs, &i);

	if (slot)
		*slot = rc;
}

static long add(__u32 i, void *ctx)
{
	*(__u64 *)ctx += i + 1;
	return 0;
}

SEC("lwt_xmit")
int helpers_misc(struct __sk_buff *skb)
{
	__u64 sum = 0;
	__u8 tkey[44] = {}, opt[8] = {};
	void *rec;

	put_rc(0, bpf_ktime_get_ns() != 0);
	put_rc(1, bpf_ktime_get_boot_ns() != 0);
	put_rc(2, bpf_ktime_get_coarse_ns() != 0);
	put_rc(3, bpf_jiffies64() != 0);
	bpf_get_prandom_u32();
	put_rc(4, 1);
	put_rc(5, bpf_get_smp_processor_id() < 64);
	put_rc(6, bpf_get_numa_node_id());
	put_rc(8, bpf_loop(10, add, &sum, 0));
	put_rc(7, sum);
	put_rc(9, bpf_ringbuf_query(&rb, 0));
	put_rc(10, bpf_skb_pull_data(skb, 0));
	put_rc(11, bpf_get_cgroup_classid(skb));
	put_rc(12, bpf_get_route_realm(skb));
	put_rc(13, bpf_csum_update(skb, 0));
	put_rc(14, bpf_csum_level(skb, 0));
	put_rc(15, bpf_skb_get_tunnel_key(skb, (void *)tkey, sizeof(tkey), 0));
	put_rc(16, bpf_skb_get_tunnel_opt(skb, opt, sizeof(opt)));
	put_rc(17, bpf_skb_set_tunnel_opt(skb, opt, sizeof(opt)));
	bpf_set_hash_invalid(skb);
	put_rc(18, 1);
	{
		static const char fmt[] = "hello %d\n";
		put_rc(19, bpf_trace_printk(fmt, sizeof(fmt), 42));
	}
	rec = bpf_ringbuf_reserve(&rb, 16, 0);
	put_rc(20, rec != 0);
	if (rec)
		bpf_ringbuf_discard(rec, 0);
	put_rc(21, bpf_ringbuf_query(&rb, 0));
	skb->mark = 0x600d;
	return BPF_OK;
}

// xmit, lwtemu only (the kernel's test run would really send the clone): bpf_clone_redirect to
// ifindex 1 (the test run's loopback), rc in mark; BPF_OK.
SEC("lwt_xmit/clone")
int clone(struct __sk_buff *skb)
{
	skb->mark = bpf_clone_redirect(skb, 1, 0);
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
