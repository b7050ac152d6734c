// Loader test object: a legacy "maps" section (struct bpf_map_def), no BTF needed.
// variants: v1 v2 v4 nodebug
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* The pre-BTF layout libbpf and iproute2 used: 5 x u32. */
struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

struct bpf_map_def SEC("maps") legacy_hash = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 64,
};

struct bpf_map_def SEC("maps") legacy_array = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = 16,
	.max_entries = 8,
	.map_flags = 0,
};

static const char greeting[] = "hello";  /* lands in .rodata */

SEC("lwt_xmit")
int legacy_xmit(struct __sk_buff *skb)
{
	__u32 key = skb->mark & 7;
	__u64 *v = bpf_map_lookup_elem(&legacy_hash, &key);
	if (v)
		*v += greeting[key & 3];
	char *slot = bpf_map_lookup_elem(&legacy_array, &key);
	if (slot)
		slot[0] = greeting[1];
	return BPF_OK;
}

char _license[] SEC("license") = "Dual BSD/GPL";
__u32 _version SEC("version") = 0x060c00;
