// After the kernel's selftests/bpf/progs/test_lwt_seg6local.c (driven by test_lwt_seg6local.sh), for
// LwtSeg6localTest: an SRH pushed by an LWT in program, End.BPF programs that add and remove a TLV and pick the
// next hop (End.X) or a table (End.T).
//   encap_srh (lwt_in, ns2): bpf_lwt_push_encap(BPF_LWT_ENCAP_SEG6) of an SRH with the segments
//             fd00::3, fd00::4, fd00::5, fd00::6 (outer IPv6 header from the kernel); returns BPF_REDIRECT as the
//             kernel's test does, which LWT in treats as BPF_OK after one "Illegal redirect" warning.
//   add_egr_x (End.BPF, ns3): appends an 8-byte TLV (type 2) to the SRH and goes to fd00:b34::4 with End.X.
//   pop_egr_t (End.BPF, ns4): drops packets without that TLV, removes it, and looks the next SID up in table 117
//             with End.T.
#include "lwt_common.h"

#define SEG6_LOCAL_ACTION_END_X 2
#define SEG6_LOCAL_ACTION_END_T 3
#define SRH_OFF 40

struct srh4 {
	__u8 nexthdr;
	__u8 hdrlen;
	__u8 type;
	__u8 segments_left;
	__u8 first_segment;
	__u8 flags;
	__u16 tag;
	__u8 segments[4][16];
};

struct srh_fixed {
	__u8 nexthdr;
	__u8 hdrlen;
	__u8 type;
	__u8 segments_left;
	__u8 first_segment;
	__u8 flags;
	__u16 tag;
};

SEC("encap_srh")
int do_encap_srh(struct __sk_buff *skb)
{
	struct srh4 srh = {};
	int i;

	srh.hdrlen = (sizeof(srh) - 8) / 8;
	srh.type = 4;
	srh.segments_left = 3;
	srh.first_segment = 3;
	/* the list in reverse order of travel: [0] is the last segment */
	for (i = 0; i < 4; i++) {
		srh.segments[i][0] = 0xfd;
		srh.segments[i][15] = 6 - i;
	}
	if (bpf_lwt_push_encap(skb, BPF_LWT_ENCAP_SEG6, &srh, sizeof(srh)) < 0)
		return BPF_DROP;
	return BPF_REDIRECT;
}

static __always_inline int tlv_offset(struct __sk_buff *skb, struct srh_fixed *srh)
{
	if (bpf_skb_load_bytes(skb, SRH_OFF, srh, sizeof(*srh)) < 0)
		return -1;
	return SRH_OFF + 8 + ((int)srh->first_segment + 1) * 16;
}

SEC("add_egr_x")
int do_add_egr_x(struct __sk_buff *skb)
{
	__u8 tlv[8] = {2, 6, 0xca, 0xfe, 0xca, 0xfe, 0xca, 0xfe};
	__u8 nh[16] = {0xfd, 0x00, 0x0b, 0x34, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x04}; /* fd00:b34::4 */
	struct srh_fixed srh;
	int off = tlv_offset(skb, &srh);

	if (off < 0)
		return BPF_DROP;
	if (bpf_lwt_seg6_adjust_srh(skb, off, sizeof(tlv)) < 0)
		return BPF_DROP;
	if (bpf_lwt_seg6_store_bytes(skb, off, tlv, sizeof(tlv)) < 0)
		return BPF_DROP;
	if (bpf_lwt_seg6_action(skb, SEG6_LOCAL_ACTION_END_X, nh, sizeof(nh)) < 0)
		return BPF_DROP;
	return BPF_REDIRECT;
}

SEC("pop_egr_t")
int do_pop_egr_t(struct __sk_buff *skb)
{
	struct srh_fixed srh;
	int off = tlv_offset(skb, &srh);
	__u32 table = 117;
	__u8 tlv[2];

	if (off < 0 || srh.hdrlen <= ((int)srh.first_segment + 1) * 2)
		return BPF_DROP; /* no TLV after the segments */
	if (bpf_skb_load_bytes(skb, off, tlv, sizeof(tlv)) < 0 || tlv[0] != 2 || tlv[1] != 6)
		return BPF_DROP;
	if (bpf_lwt_seg6_adjust_srh(skb, off, -8) < 0)
		return BPF_DROP;
	if (bpf_lwt_seg6_action(skb, SEG6_LOCAL_ACTION_END_T, &table, sizeof(table)) < 0)
		return BPF_DROP;
	return BPF_REDIRECT;
}

char _license[] SEC("license") = "GPL";
