// out: for every packet one 28-byte ring buffer record {len, protocol (0x0008 for IPv4), first 20 packet bytes} via reserve/submit, and one 4-byte record (len) via ringbuf_output; BPF_OK.
#include "lwt_common.h"

struct event {
	__u32 len;
	__u32 protocol;
	__u8 head[20];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

SEC("lwt_out")
int ringbuf_out(struct __sk_buff *skb)
{
	struct event *e;
	__u32 len = skb->len;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return BPF_OK;
	e->len = len;
	e->protocol = skb->protocol;
	if (bpf_skb_load_bytes(skb, 0, e->head, sizeof(e->head)) < 0) {
		bpf_ringbuf_discard(e, 0);
		return BPF_OK;
	}
	bpf_ringbuf_submit(e, 0);
	bpf_ringbuf_output(&events, &len, sizeof(len), 0);
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
