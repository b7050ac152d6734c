// out: per-CPU hash 'pc_hash' counts packets per daddr, LRU hash 'lru' keeps the last length per daddr,
// LRU per-CPU hash 'lru_pc' adds lengths per daddr; hash 'scratch' is updated, read, deleted twice.
// rcs[i] (array of u64) holds: 0 update rc (0), 1 lookup value (0x1234), 2 first delete (0),
// 3 second delete (-ENOENT = -2), 4 lookup after delete (0 = NULL), 5 BPF_NOEXIST update of a present
// key (-EEXIST = -17), 6 BPF_EXIST update of an absent key (-ENOENT). mark = 1 when all held. BPF_OK.
#include "../lwt/lwt_common.h"

#define BPF_MAP_TYPE_LRU_HASH 9
#define BPF_MAP_TYPE_LRU_PERCPU_HASH 10
#define BPF_NOEXIST 1
#define BPF_EXIST 2

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} pc_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u32);
} lru SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} lru_pc SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __s64);
} rcs SEC(".maps");

static __always_inline void put_rc(__u32 i, __s64 rc)
{
	__s64 *slot = bpf_map_lookup_elem(&rcs, &i);

	if (slot)
		*slot = rc;
}

SEC("lwt_out")
int more_maps(struct __sk_buff *skb)
{
	__u32 daddr, len = skb->len, k = 1, absent = 2;
	__u64 one = 1, l64 = skb->len, v = 0x1234, *p;
	__s64 r0, r2, r3, r5, r6;
	__u64 r1;

	if (bpf_skb_load_bytes(skb, 16, &daddr, sizeof(daddr)) < 0)
		return BPF_DROP;
	p = bpf_map_lookup_elem(&pc_hash, &daddr);
	if (p)
		*p += 1;
	else
		bpf_map_update_elem(&pc_hash, &daddr, &one, BPF_ANY);
	bpf_map_update_elem(&lru, &daddr, &len, BPF_ANY);
	p = bpf_map_lookup_elem(&lru_pc, &daddr);
	if (p)
		*p += l64;
	else
		bpf_map_update_elem(&lru_pc, &daddr, &l64, BPF_NOEXIST);

	r0 = bpf_map_update_elem(&scratch, &k, &v, BPF_ANY);
	p = bpf_map_lookup_elem(&scratch, &k);
	r1 = p ? *p : 0;
	r5 = bpf_map_update_elem(&scratch, &k, &v, BPF_NOEXIST);
	r6 = bpf_map_update_elem(&scratch, &absent, &v, BPF_EXIST);
	r2 = bpf_map_delete_elem(&scratch, &k);
	r3 = bpf_map_delete_elem(&scratch, &k);
	p = bpf_map_lookup_elem(&scratch, &k);
	put_rc(0, r0);
	put_rc(1, r1);
	put_rc(2, r2);
	put_rc(3, r3);
	put_rc(4, p ? 1 : 0);
	put_rc(5, r5);
	put_rc(6, r6);
	skb->mark = (r0 == 0 && r1 == 0x1234 && r2 == 0 && r3 == -2 && !p && r5 == -17 && r6 == -2) ? 1 : 2;
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
