// in on IPv6 to fc00::2 packets: SEG6_INLINE pushes a 2-segment SRH (segments fc00::e1, and the old daddr as segment 0), daddr becomes fc00::e1, payload_len +40; BPF_OK. IPv4 packets get -EBADMSG and are dropped.
#include "lwt_common.h"

struct srh2 {
	__u8 nexthdr;
	__u8 hdrlen;
	__u8 type;
	__u8 segments_left;
	__u8 first_segment;
	__u8 flags;
	__u16 tag;
	__u8 segments[2][16];
};

SEC("lwt_in")
int seg6_inline(struct __sk_buff *skb)
{
	struct srh2 srh = {};

	srh.hdrlen = 4;
	srh.type = 4;
	srh.segments_left = 1;
	srh.first_segment = 1;
	srh.segments[1][0] = 0xfc;
	srh.segments[1][15] = 0xe1;
	if (bpf_lwt_push_encap(skb, BPF_LWT_ENCAP_SEG6_INLINE, &srh, sizeof(srh)) < 0)
		return BPF_DROP;
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
