// lwtemu example: SRv6 End.BPF programs in the style of the kernel's test_lwt_seg6local.c. The kernel runs an
// End.BPF program after advancing to the next segment (the IPv6 destination already is the next SID); the
// programs read and change the Segment Routing Header with the seg6local helpers.
//
//   tag_steer (r2, SID fc00:2::100): writes tag 42 into the SRH (bpf_lwt_seg6_store_bytes), appends an 8-byte
//             PadN TLV after the segment list (bpf_lwt_seg6_adjust_srh + store_bytes), and sends the packet to
//             r3 over the bottom link with bpf_lwt_seg6_action(End.X, nh6 fc00:b23::3) + BPF_REDIRECT.
//   check_tag (r3, SID fc00:3::100): drops packets whose SRH tag is not 42, removes the TLV tag_steer added,
//             and returns BPF_OK: the packet goes on to its next SID, r3's End.DX4.
//   tag_only: tag_steer without the End.X, so the packet follows r2's routing table (the top link).
#include "lwt_common.h"

#define SEG6_LOCAL_ACTION_END_X 2
#define SRH_OFF 40 /* the SRH right after the outer IPv6 header */
#define TAG 42

struct srh_fixed {
	__u8 nexthdr;
	__u8 hdrlen;
	__u8 type;
	__u8 segments_left;
	__u8 first_segment;
	__u8 flags;
	__be16 tag;
};

/* Offset of the first byte after the segment list (where TLVs start), or -1. */
static __always_inline int tlv_offset(struct __sk_buff *skb, struct srh_fixed *srh)
{
	if (bpf_skb_load_bytes(skb, SRH_OFF, srh, sizeof(*srh)) < 0)
		return -1;
	return SRH_OFF + 8 + ((int)srh->first_segment + 1) * 16;
}

static __always_inline int tag_and_pad(struct __sk_buff *skb)
{
	__u8 tlv[8] = {4, 6, 0, 0, 0, 0, 0, 0}; /* PadN with 6 bytes of padding */
	struct srh_fixed srh;
	__be16 tag = bpf_htons(TAG);
	int off = tlv_offset(skb, &srh);

	if (off < 0)
		return -1;
	if (bpf_lwt_seg6_store_bytes(skb, SRH_OFF + 6, &tag, sizeof(tag)) < 0)
		return -1;
	if (bpf_lwt_seg6_adjust_srh(skb, off, sizeof(tlv)) < 0)
		return -1;
	if (bpf_lwt_seg6_store_bytes(skb, off, tlv, sizeof(tlv)) < 0)
		return -1;
	return 0;
}

SEC("tag_steer")
int end_bpf_tag_steer(struct __sk_buff *skb)
{
	__u8 nh[16] = {0xfc, 0x00, 0x0b, 0x23, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x03}; /* fc00:b23::3 */

	if (tag_and_pad(skb) < 0)
		return BPF_DROP;
	if (bpf_lwt_seg6_action(skb, SEG6_LOCAL_ACTION_END_X, nh, sizeof(nh)) < 0)
		return BPF_DROP;
	return BPF_REDIRECT;
}

SEC("tag_only")
int end_bpf_tag_only(struct __sk_buff *skb)
{
	return tag_and_pad(skb) < 0 ? BPF_DROP : BPF_OK;
}

SEC("check_tag")
int end_bpf_check_tag(struct __sk_buff *skb)
{
	struct srh_fixed srh;
	int off = tlv_offset(skb, &srh);

	if (off < 0 || srh.tag != bpf_htons(TAG))
		return BPF_DROP;
	/* hdrlen counts 8-byte units after the first 8 bytes: more than the segments means TLVs follow */
	if (srh.hdrlen > ((int)srh.first_segment + 1) * 2 && bpf_lwt_seg6_adjust_srh(skb, off, -8) < 0)
		return BPF_DROP;
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
