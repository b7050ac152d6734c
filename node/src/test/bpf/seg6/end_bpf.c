// End.BPF programs for node.seg6 tests, one section each as the kernel's test_lwt_seg6local.c names them: the
// route gives the type (`encap seg6local action End.BPF endpoint obj end_bpf.o section S`).
//   add_tlv:  grows the SRH by an 8-byte PadN TLV after the segment list (bpf_lwt_seg6_adjust_srh +
//             bpf_lwt_seg6_store_bytes), BPF_OK: the packet continues to the (advanced) destination.
//   end_x:    bpf_lwt_seg6_action(End.X, nh6 fd00:23::3), BPF_REDIRECT: the packet goes to that neighbour.
//   break_srh: grows the SRH by 8 bytes and writes a TLV claiming 20 bytes there: the SRH no longer
//             validates, so End.BPF drops the packet after the program returns BPF_OK.
#include "lwt_common.h"

#define SEG6_LOCAL_ACTION_END_X 2

static __always_inline int srh_end(struct __sk_buff *skb, __u32 *tlv_off)
{
	__u8 hdr[8];

	/* IPv6 header 40 bytes, the SRH right after it (the test packets have no other extension header). */
	if (bpf_skb_load_bytes(skb, 40, hdr, sizeof(hdr)) < 0)
		return -1;
	*tlv_off = 40 + 8 + ((__u32)hdr[4] + 1) * 16;
	return 0;
}

SEC("add_tlv")
int end_bpf_add_tlv(struct __sk_buff *skb)
{
	__u8 tlv[8] = {4, 6, 0, 0, 0, 0, 0, 0}; /* PadN, 6 bytes of padding */
	__u32 off;

	if (srh_end(skb, &off) < 0)
		return BPF_DROP;
	if (bpf_lwt_seg6_adjust_srh(skb, off, sizeof(tlv)) < 0)
		return BPF_DROP;
	if (bpf_lwt_seg6_store_bytes(skb, off, tlv, sizeof(tlv)) < 0)
		return BPF_DROP;
	return BPF_OK;
}

SEC("end_x")
int end_bpf_end_x(struct __sk_buff *skb)
{
	__u8 nh[16] = {0xfd, 0x00, 0x00, 0x23, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x03};

	if (bpf_lwt_seg6_action(skb, SEG6_LOCAL_ACTION_END_X, nh, sizeof(nh)) < 0)
		return BPF_DROP;
	return BPF_REDIRECT;
}

SEC("break_srh")
int end_bpf_break_srh(struct __sk_buff *skb)
{
	__u8 tlv[8] = {4, 20, 0, 0, 0, 0, 0, 0};
	__u32 off;

	if (srh_end(skb, &off) < 0)
		return BPF_DROP;
	if (bpf_lwt_seg6_adjust_srh(skb, off, sizeof(tlv)) < 0)
		return BPF_DROP;
	if (bpf_lwt_seg6_store_bytes(skb, off, tlv, sizeof(tlv)) < 0)
		return BPF_DROP;
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
