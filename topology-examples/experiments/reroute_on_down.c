// lwtemu example: LWT xmit program on r1's route to h2. While the pinned map primary_down holds 1 at key 0
// (the experiment's timeline writes it when the primary link fails, like a control plane would), it marks the
// packet and returns BPF_LWT_REROUTE; `ip rule add fwmark 1 lookup 100` then sends it the other way round the
// ring. Marked packets pass unchanged (BPF_OK), so the second lookup does not loop.
#include "lwt_common.h"

#define BACKUP_MARK 1

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} primary_down SEC(".maps");

SEC("lwt_xmit/reroute_on_down")
int reroute_on_down(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u32 *down = bpf_map_lookup_elem(&primary_down, &key);

	if (!down || !*down || skb->mark == BACKUP_MARK)
		return BPF_OK;
	skb->mark = BACKUP_MARK;
	return BPF_LWT_REROUTE;
}

char _license[] SEC("license") = "GPL";
