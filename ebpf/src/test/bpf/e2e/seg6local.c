// lwt_seg6local (End.BPF) on an IPv6 packet with a 2-segment SRH (the router has already advanced it):
// bpf_lwt_seg6_store_bytes sets the SRH tag to 0x0bad (rc in cb[0]), bpf_lwt_seg6_adjust_srh grows the
// SRH by 8 bytes at its end (rc in cb[1]) and bpf_lwt_seg6_store_bytes fills them with a PadN TLV
// (type 4, len 6, zeros; rc in cb[2]); bpf_lwt_seg6_action END_T with table 254 (rc in cb[3]).
// Returns BPF_REDIRECT when the action succeeded, else BPF_OK. (The kernel has no BPF_PROG_TEST_RUN for
// lwt_seg6local; lwtemu test-runs it with the End.BPF state taken from the packet.)
// A packet without an SRH: every helper fails with -EINVAL and the program returns BPF_OK.
#include "../lwt/lwt_common.h"

#define SEG6_LOCAL_ACTION_END_T 3

SEC("lwt_seg6local")
int end_bpf(struct __sk_buff *skb)
{
	__u16 tag = bpf_htons(0x0bad);
	__u8 tlv[8] = {4, 6, 0, 0, 0, 0, 0, 0};
	int table = 254;
	long rc;

	/* IPv6 header (40) + SRH: tag at byte 6 of the SRH; SRH of 8 + 2 * 16 bytes */
	skb->cb[0] = bpf_lwt_seg6_store_bytes(skb, 40 + 6, &tag, sizeof(tag));
	skb->cb[1] = bpf_lwt_seg6_adjust_srh(skb, 40 + 40, sizeof(tlv));
	skb->cb[2] = bpf_lwt_seg6_store_bytes(skb, 40 + 40, tlv, sizeof(tlv));
	rc = bpf_lwt_seg6_action(skb, SEG6_LOCAL_ACTION_END_T, &table, sizeof(table));
	skb->cb[3] = rc;
	return rc == 0 ? BPF_REDIRECT : BPF_OK;
}

char _license[] SEC("license") = "GPL";
