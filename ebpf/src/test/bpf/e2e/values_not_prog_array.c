// Load error: initial 'values' on a map that is not a prog array (lwtemu has no map-in-map).
#include "../lwt/lwt_common.h"

SEC("lwt_xmit")
int target(struct __sk_buff *skb)
{
	return BPF_OK;
}

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2);
	__uint(key_size, sizeof(__u32));
	__array(values, int (void *));
} not_jmp SEC(".maps") = {
	.values = { [0] = (void *)&target },
};

char _license[] SEC("license") = "GPL";
