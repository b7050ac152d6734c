// xmit on an IPv4 packet: the 16-bit one's complement sum of the whole packet (up to 1500 bytes) in a
// bounded loop of direct packet reads, folded and stored in skb->mark; BPF_OK. On a packet whose IPv4
// header checksum is right this is the sum of the payload words. The loop benchmark program.
#include "lwt_common.h"

#define MAX_WORDS (1500 / 2)

SEC("lwt_xmit")
int csum_loop(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	__u16 *p = data;
	__u32 sum = 0;

#pragma clang loop unroll(disable)
	for (int i = 0; i < MAX_WORDS; i++) {
		if ((void *)(p + 1) > data_end)
			break;
		sum += *p;
		p++;
	}
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	skb->mark = ~sum & 0xffff;
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
