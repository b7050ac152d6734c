// Loader test object: iproute2's legacy map layout (struct bpf_elf_map, 36 bytes) as used by programs
// written for `ip route ... encap bpf` / tc before BTF maps; PIN_GLOBAL_NS shares a map by name.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define PIN_NONE 0
#define PIN_OBJECT_NS 1
#define PIN_GLOBAL_NS 2

struct bpf_elf_map {
	__u32 type;
	__u32 size_key;
	__u32 size_value;
	__u32 max_elem;
	__u32 flags;
	__u32 id;
	__u32 pinning;
	__u32 inner_id;
	__u32 inner_idx;
};

struct bpf_elf_map SEC("maps") shared_counts = {
	.type = BPF_MAP_TYPE_ARRAY,
	.size_key = sizeof(__u32),
	.size_value = sizeof(__u64),
	.max_elem = 16,
	.pinning = PIN_GLOBAL_NS,
};

struct bpf_elf_map SEC("maps") private_hash = {
	.type = BPF_MAP_TYPE_HASH,
	.size_key = sizeof(__u32),
	.size_value = sizeof(__u32),
	.max_elem = 32,
	.flags = BPF_F_NO_PREALLOC,
	.pinning = PIN_NONE,
};

SEC("lwt_xmit")
int count_xmit(struct __sk_buff *skb)
{
	__u32 key = skb->mark & 15;
	__u64 *c = bpf_map_lookup_elem(&shared_counts, &key);
	if (c)
		__sync_fetch_and_add(c, 1);
	__u32 *v = bpf_map_lookup_elem(&private_hash, &key);
	return v && *v ? BPF_DROP : BPF_OK;
}

char __license[] SEC("license") = "GPL";
